#!/usr/bin/env bash
# Measures per-unit wall time of `station run --simulate` with 1 slot and with N slots (default 8),
# from the records themselves (ended - started per unit), to show the slots do not serialise.
# usage: scripts/line-scaling.sh [SLOTS] [UNITS_PER_SLOT]
set -euo pipefail
cd "$(dirname "$0")/.."
slots="${1:-8}"
per_slot="${2:-5}"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
dotnet build -c Release src/Station.Cli >/dev/null
station="dotnet src/Station.Cli/bin/Release/net10.0/station.dll"
$station run --profile profiles/demo-esp32.json --simulate 1 --units "$per_slot" --reports "$out" --batch one >/dev/null
$station run --profile profiles/demo-esp32.json --simulate "$slots" --units $((slots * per_slot)) --reports "$out" --batch many >/dev/null
mean() {
    awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) { if ($i == "started") s = i; if ($i == "ended") e = i; if ($i == "result") r = i } next }
             { cmd = "date -d " $s " +%s.%N"; cmd | getline a; close(cmd); cmd = "date -d " $e " +%s.%N"; cmd | getline b; close(cmd);
               total += b - a; n++; if ($r != "PASS") bad++ }
             END { printf "%.3f %d %d", total / n, n, bad + 0 }' "$1"
}
read -r one n1 bad1 <<<"$(mean "$out/one/units.csv")"
read -r many n2 bad2 <<<"$(mean "$out/many/units.csv")"
echo "1 slot:  $n1 units, mean unit time ${one} s, $bad1 not PASS"
echo "$slots slots: $n2 units, mean unit time ${many} s, $bad2 not PASS"
awk -v a="$one" -v b="$many" 'BEGIN { printf "ratio %d-slot / 1-slot: %.3f (target <= 1.10)\n", '"$slots"', b / a }'
