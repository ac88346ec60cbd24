#!/usr/bin/env bash
# `make run`: creates an identity in the home directory on first use, then runs the daemon.
set -euo pipefail
bin=$1
shift
if ! "$bin" id >/dev/null 2>&1; then
  "$bin" init
fi
exec "$bin" daemon "$@"
