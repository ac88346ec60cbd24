#!/usr/bin/env bash
# Builds and runs every test suite: the release build (the daemons with the integration and
# interop suites, and the benchmarks compiled), then the ASan+UBSan build (unit, integration, and
# a short libFuzzer run per target). Prints ctest's summary for each and a final
# `N passed, N failed`.
set -uo pipefail
cd "$(dirname "$0")/.."
jobs=$(nproc)
passed=0
failed=0
status=0

run_ctest() {  # build-dir label-regex
  local dir=$1 labels=$2 log
  log=$(mktemp)
  (cd "$dir" && ctest --output-on-failure -j "$jobs" -L "$labels" 2>&1) | tee "$log"
  local rc=${PIPESTATUS[0]}
  local summary
  summary=$(grep -E '^[0-9]+% tests passed, [0-9]+ tests failed out of [0-9]+' "$log" | tail -n 1)
  if [ -n "$summary" ]; then
    local total fails
    fails=$(sed -E 's/.* ([0-9]+) tests failed out of ([0-9]+).*/\1/' <<<"$summary")
    total=$(sed -E 's/.* ([0-9]+) tests failed out of ([0-9]+).*/\2/' <<<"$summary")
    passed=$((passed + total - fails))
    failed=$((failed + fails))
  else
    failed=$((failed + 1))
  fi
  rm -f "$log"
  [ "$rc" -eq 0 ] || status=1
}

# The tests' release build has no debug info (a third of the compile time) and so its own
# directory: `make build`'s RelWithDebInfo tree in build/release stays as it is. It runs what
# needs the optimized product (real daemons, interop); the unit tests run in the sanitizer
# build, which checks more and would otherwise compile them all a second time.
echo "== release build"
if cmake -S . -B build/test-release -G Ninja -DCMAKE_BUILD_TYPE=Release \
     -DCMAKE_CXX_FLAGS_RELEASE="-O2 -DNDEBUG" >/dev/null &&
   cmake --build build/test-release -j "$jobs" --target meshchat integration_tests bench_all; then
  run_ctest build/test-release 'integration|interop'
else
  echo "release build failed"; failed=$((failed + 1)); status=1
fi

echo "== ASan+UBSan build"
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
if cmake -S . -B build/asan -G Ninja -DCMAKE_BUILD_TYPE=Debug \
     -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ \
     -DMESHCHAT_SANITIZE=ON -DMESHCHAT_FUZZ=ON -DMESHCHAT_BENCH=OFF >/dev/null &&
   cmake --build build/asan -j "$jobs"; then
  run_ctest build/asan 'unit|integration|fuzz'
else
  echo "sanitizer build failed"; failed=$((failed + 1)); status=1
fi

echo "$passed passed, $failed failed"
exit $status
