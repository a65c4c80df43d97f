#!/usr/bin/env bash
# Runs every test of the project from a clean clone: installs what the tests need (esptool-js from
# npm, pinned by tests/interop/package-lock.json; a throw-away PostgreSQL server), builds, runs all
# test projects, and ends with the line "N passed, N failed" that CI reads.
set -uo pipefail
cd "$(dirname "$0")/.."

summary() { echo "$1 passed, $2 failed"; }

if ! (cd tests/interop && npm ci --no-audit --no-fund --loglevel=error); then
    echo "Could not install the interop test's npm packages (tests/interop)." >&2
    summary 0 1
    exit 1
fi

# The shared serial-number ledger is tested against a real PostgreSQL server (installed and started here).
if ! STATION_TEST_POSTGRES="$(scripts/postgres.sh)"; then
    echo "Could not start PostgreSQL for the ledger tests (scripts/postgres.sh)." >&2
    summary 0 1
    exit 1
fi
export STATION_TEST_POSTGRES

results="$(mktemp -d)"
trap 'rm -rf "$results"; scripts/postgres.sh stop >/dev/null 2>&1 || true' EXIT
dotnet test Station.sln --configuration Release --logger trx --results-directory "$results" "$@"
status=$?

passed=0
failed=0
shopt -s nullglob
trx_files=("$results"/*.trx)
for trx in "${trx_files[@]}"; do
    counters="$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)"
    p="$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$counters")"
    f="$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$counters")"
    passed=$((passed + ${p:-0}))
    failed=$((failed + ${f:-0}))
done

# A build failure or a crashed test host leaves no result to count: report it as a failure.
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
    failed=1
fi

summary "$passed" "$failed"
exit "$status"
