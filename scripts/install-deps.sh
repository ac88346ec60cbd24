#!/usr/bin/env bash
# Installs what meshchat needs to build and test, and nothing already present:
# Debian packages through apt (one `apt-get update` first), npm packages from the lock file.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(
  build-essential cmake ninja-build pkg-config clang libclang-rt-14-dev
  libsodium-dev libssl-dev libboost1.81-dev libexpected-dev libfmt-dev libspdlog-dev
  libsecp256k1-dev nlohmann-json3-dev libcli11-dev libsqlite3-dev
  libgtest-dev libgmock-dev librapidcheck-dev libbenchmark-dev
  iproute2 procps
)
command -v node >/dev/null 2>&1 || packages+=(nodejs)
command -v npm >/dev/null 2>&1 || packages+=(npm)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}"
  sudo_cmd=""
  [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  $sudo_cmd apt-get update
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y "${missing[@]}"
fi

# npm packages for the interop tests, exactly as locked; skipped when already installed from
# the same lock file.
for dir in tests/interop tests/interop/official; do
  if [ -f "$dir/package-lock.json" ]; then
    stamp="$dir/node_modules/.meshchat-lock"
    if [ ! -f "$stamp" ] || ! cmp -s "$dir/package-lock.json" "$stamp"; then
      (cd "$dir" && npm ci --no-audit --no-fund)
      cp "$dir/package-lock.json" "$stamp"
    fi
  fi
done
