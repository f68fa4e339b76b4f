#!/usr/bin/env bash
# The same scenario and seed give the same results, row for row: two runs' databases are
# dumped (all tables but `run`, which holds wall-clock times) and compared; a third run
# with another seed must still complete.
# usage: reproducible.sh MAILSIM SCENARIO.yaml
set -euo pipefail
mailsim=$1 scenario=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
dump() {
  local tables
  tables=$(sqlite3 "$1" "SELECT name FROM sqlite_master WHERE type='table' AND name <> 'run' ORDER BY name")
  for t in $tables; do
    echo "== $t"
    sqlite3 "$1" "SELECT * FROM $t ORDER BY rowid"
  done
}
"$mailsim" run "$scenario" -o "$work/a.db" --quiet
"$mailsim" run "$scenario" -o "$work/b.db" --quiet
dump "$work/a.db" >"$work/a.txt"
dump "$work/b.db" >"$work/b.txt"
[ "$(wc -l <"$work/a.txt")" -gt 20 ] || { echo "suspiciously small dump" >&2; exit 1; }
diff -u "$work/a.txt" "$work/b.txt"
[ "$(sqlite3 "$work/a.db" "SELECT status FROM run")" = completed ]
"$mailsim" run "$scenario" -o "$work/c.db" --quiet --seed 2
[ "$(sqlite3 "$work/c.db" "SELECT status || ' ' || seed FROM run")" = "completed 2" ]
