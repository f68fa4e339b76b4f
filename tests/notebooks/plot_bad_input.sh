#!/usr/bin/env bash
# tools/plot refuses bad input with exit 2, a message that names the problem, and no
# output file: a missing database, a file that is not one, an SQLite database that is not
# mailsim's, results without the rows the figure needs, a message that does not exist,
# an unknown output format, and one database too many.
# usage: plot_bad_input.sh MAILSIM PLOT SCENARIO.yaml
set -euo pipefail
mailsim=$1 plot=$2 scenario=$3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export MPLCONFIGDIR="$work/matplotlib"

"$mailsim" run "$scenario" -o "$work/full.db" --record full --quiet
"$mailsim" run "$scenario" -o "$work/summary.db" --record summary --quiet
echo "not a database" >"$work/text.db"
sqlite3 "$work/other.db" 'CREATE TABLE t (x); INSERT INTO t VALUES (1);'

failures=0
# expect_bad MESSAGE_PART PLOT_ARGS...: plot exits 2, says MESSAGE_PART, writes nothing.
expect_bad() {
  local want=$1
  shift
  rm -f "$work/out.png" "$work/out.txt"
  set +e
  "$plot" "$@" 2>"$work/err.txt"
  local status=$?
  set -e
  if [ "$status" -ne 2 ] || ! grep -qF -- "$want" "$work/err.txt" ||
    [ -e "$work/out.png" ] || [ -e "$work/out.txt" ]; then
    echo "FAIL: plot $* -> exit $status, stderr:" >&2
    cat "$work/err.txt" >&2
    echo "  (wanted exit 2, a message with '$want' and no output file)" >&2
    failures=$((failures + 1))
  fi
}
expect_bad "no such file" latency-cdf "$work/missing.db" -o "$work/out.png"
expect_bad "not a mailsim results database" latency-cdf "$work/text.db" -o "$work/out.png"
expect_bad "not a mailsim results database" hop-delay "$work/other.db" -o "$work/out.png"
expect_bad "record with --record attempts or full" \
  timeline "$work/summary.db" -o "$work/out.png"
expect_bad "attempt is empty" retry-timeline "$work/full.db" "$work/summary.db" -o "$work/out.png"
expect_bad "no message 9999" timeline "$work/full.db" --message 9999 -o "$work/out.png"  # it has 317
expect_bad "must end in .png or .svg" latency-cdf "$work/full.db" -o "$work/out.txt"
expect_bad "draws one database" timeline "$work/full.db" "$work/full.db" -o "$work/out.png"
expect_bad "--label" latency-cdf "$work/full.db" --label a --label b -o "$work/out.png"
expect_bad "invalid choice" pie "$work/full.db" -o "$work/out.png"
expect_bad "queue_sample is empty" queue "$work/summary.db" -o "$work/out.png"
[ "$failures" -eq 0 ] || { echo "$failures bad inputs not refused properly" >&2; exit 1; }
"$plot" --help | grep -q "retry-timeline"
echo "every bad input refused with exit 2"
