#!/usr/bin/env bash
# `mailsim check` holds on the results of every shipped scenario, and catches a results
# database damaged by hand (exit 1, the broken rule and the offending row).
# usage: check_shipped.sh MAILSIM SCENARIOS_DIR
set -euo pipefail
mailsim=$1 scenarios=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
count=0
for scenario in "$scenarios"/*.yaml; do
  name=$(basename "$scenario" .yaml)
  # The performance scenario (a million messages) is checked on its first hour.
  limit=()
  [ "$name" = isp-scale ] && limit=(--until 1h)
  "$mailsim" run "$scenario" -o "$work/$name.db" --quiet "${limit[@]}"
  "$mailsim" check "$work/$name.db"
  count=$((count + 1))
done
[ "$count" -gt 0 ] || { echo "no shipped scenarios found in $scenarios" >&2; exit 1; }

db=$(ls "$work"/*.db | head -1)
sqlite3 "$db" "UPDATE recipient SET latency_s = latency_s + 1 WHERE status = 'delivered'"
set +e
"$mailsim" check "$db" >"$work/out.txt"
status=$?
set -e
cat "$work/out.txt"
[ "$status" -eq 1 ] || { echo "expected exit 1 for a damaged database, got $status" >&2; exit 1; }
grep -q '^violated: a delivered recipient has its node, time and latency' "$work/out.txt"
grep -q '^  message 1 <' "$work/out.txt"
