#!/usr/bin/env bash
# `make fuzz`: runs every libFuzzer target of the sanitizer build for SECONDS each, keeping the
# grown corpus in build/fuzz-corpus/<name> (seeded from tests/fuzz/corpus/<name>).
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build/asan}
seconds=${2:-300}
status=0
for target in "$build"/tests/fuzz/fuzz_*; do
  name=$(basename "$target"); name=${name#fuzz_}
  corpus=build/fuzz-corpus/$name
  mkdir -p "$corpus"
  [ -d "tests/fuzz/corpus/$name" ] && cp -rn "tests/fuzz/corpus/$name"/. "$corpus/"
  echo "== $name ($seconds s)"
  if ! "$target" -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 "$corpus"; then
    status=1
  fi
done
exit $status
