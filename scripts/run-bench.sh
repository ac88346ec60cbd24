#!/usr/bin/env bash
# `make bench`: measures, in one run on loopback, meshchat <-> meshchat, js-libp2p <-> js-libp2p
# and raw TCP throughput on one stream, Noise handshakes per second, dial-to-first-byte round
# trips, daemon idle memory, chat message throughput/latency and history sync cost, then prints
# the figures and the ratios. Nothing is asserted.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build/release}
bytes=${BENCH_BYTES:-1073741824}
runs=${BENCH_RUNS:-3}
bin=$build/meshchat
work=$(mktemp -d)
daemon_pid=""
cleanup() {
  [ -n "$daemon_pid" ] && kill "$daemon_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

json_field() { node -e "const o=JSON.parse(process.argv[1]); console.log(o[process.argv[2]])" "$1" "$2"; }
best() { printf '%s\n' "$@" | sort -g | tail -n 1; }

echo "== raw TCP ($bytes bytes, one connection)"
raw=()
for _ in $(seq "$runs"); do
  out=$("$build/bench/bench_raw_tcp" "$bytes"); echo "$out"
  raw+=("$(json_field "$out" gbps)")
done

echo "== meshchat <-> meshchat perf ($bytes bytes each way, one stream)"
"$bin" --home "$work/server" init >/dev/null
"$bin" --home "$work/server" daemon --listen /ip4/127.0.0.1/tcp/0 --no-mdns --log-level warn \
  >"$work/daemon.out" &
daemon_pid=$!
for _ in $(seq 100); do [ -s "$work/daemon.out" ] && break; sleep 0.1; done
address=$(head -n 1 "$work/daemon.out" | cut -d' ' -f2)
mc_up=(); mc_down=()
for _ in $(seq "$runs"); do
  out=$("$bin" --home "$work/client" perf "$address" --upload "$bytes" --download "$bytes" --json)
  echo "$out"
  mc_up+=("$(json_field "$out" uploadGbps)"); mc_down+=("$(json_field "$out" downloadGbps)")
done
sleep 2
rss_kb=$(awk '/VmRSS/ {print $2}' "/proc/$daemon_pid/status")
kill "$daemon_pid"; wait "$daemon_pid" 2>/dev/null || true; daemon_pid=""

echo "== daemon idle RSS (fresh daemon, no connections)"
"$bin" --home "$work/server" daemon --listen /ip4/127.0.0.1/tcp/0 --no-mdns --log-level warn \
  >/dev/null &
daemon_pid=$!
sleep 3
idle_kb=$(awk '/VmRSS/ {print $2}' "/proc/$daemon_pid/status")
kill "$daemon_pid"; wait "$daemon_pid" 2>/dev/null || true; daemon_pid=""
echo "idle: ${idle_kb} KiB; after the perf runs: ${rss_kb} KiB"

echo "== js-libp2p <-> js-libp2p perf ($bytes bytes each way, one stream)"
js_up=(); js_down=()
for _ in $(seq "$runs"); do
  out=$(node bench/js/perf.mjs --bytes "$bytes" | tail -n 1); echo "$out"
  js_up+=("$(json_field "$out" upload_gbps)"); js_down+=("$(json_field "$out" download_gbps)")
done

echo "== Noise (one core)"
"$build/bench/bench_noise" --benchmark_min_time=1 2>/dev/null | tee "$work/noise.txt"
handshakes=$(grep BM_XXHandshake "$work/noise.txt" | sed -E 's/.*handshakes\/s=([0-9.]+k?)\/s.*/\1/')

echo "== dial to first byte (50 ms RTT proxy)"
dial=$("$build/bench/bench_dial"); echo "$dial"

echo "== chat messages: send -> delivered, durable on both ends (one pair, loopback)"
chat=$("$build/bench/bench_chat" "${BENCH_CHAT_MESSAGES:-50000}" 1000); echo "$chat"
echo "== chat store: CPU per message of each store step (no network, no signing)"
"$build/bench/bench_store" "${BENCH_CHAT_MESSAGES:-50000}"

echo "== history sync (Negentropy over N records, d differences)"
"$build/bench/bench_sync" "${MESHCHAT_BENCH_SYNC_N:-100000}" 1 100 10000 | tee "$work/sync.txt"

raw_best=$(best "${raw[@]}")
mc=$(best "${mc_up[@]}" "${mc_down[@]}")
mc_up_best=$(best "${mc_up[@]}"); mc_down_best=$(best "${mc_down[@]}")
js_up_best=$(best "${js_up[@]}"); js_down_best=$(best "${js_down[@]}")
ratio() { node -e "console.log((Number(process.argv[1])/Number(process.argv[2])).toFixed(2))" "$1" "$2"; }
cat <<EOT

== summary (best of $runs runs)
raw TCP                       ${raw_best} Gbit/s
meshchat upload / download    ${mc_up_best} / ${mc_down_best} Gbit/s
js-libp2p upload / download   ${js_up_best} / ${js_down_best} Gbit/s
meshchat / js-libp2p          upload $(ratio "$mc_up_best" "$js_up_best")x, download $(ratio "$mc_down_best" "$js_down_best")x   (target >= 2x)
meshchat / raw TCP            $(ratio "$mc" "$raw_best")   (target >= 0.5)
Noise XX handshakes/s         ${handshakes} (both sides on one core; target >= 2k)
dial to first byte            $(json_field "$dial" round_trips_with_tcp) round trips incl. TCP (target <= 3)
daemon idle RSS               $((idle_kb / 1024)) MiB (${idle_kb} KiB; target <= 10 MB)
$(printf '%s\n' "$chat")
EOT
