#!/usr/bin/env bash
# Runs the whole suite (scripts/test.sh) while BUSY loops (default: one per core) keep every core busy,
# to shake out races that a quiet machine hides: timing-dependent tests, signal and disposal races.
# The Ctrl+C crash fixed in 17ca1d0 was found this way; CI runs the plain suite.
# usage: scripts/test-under-load.sh [BUSY]
set -euo pipefail
cd "$(dirname "$0")/.."
busy="${1:-$(nproc)}"
pids=()
trap 'kill "${pids[@]}" 2>/dev/null || true' EXIT
for _ in $(seq 1 "$busy"); do
    sh -c 'while :; do :; done' &
    pids+=("$!")
done
echo "test-under-load: $busy busy loops running" >&2
scripts/test.sh
