#!/usr/bin/env bash
# tools/plot draws KIND from a fresh run of a shipped scenario, as PNG and as SVG: each
# file is a valid, non-trivial figure, and drawing it again gives the same bytes.
# retry-timeline draws two runs that differ in their retry preset.
# usage: plot.sh MAILSIM PLOT SCENARIO.yaml KIND
set -euo pipefail
mailsim=$1 plot=$2 scenario=$3 kind=$4
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export MPLCONFIGDIR="$work/matplotlib"

"$mailsim" run "$scenario" -o "$work/run.db" --record full --quiet
dbs=("$work/run.db")
args=()
case $kind in
  retry-timeline)
    # The same scenario under another preset: its name labels the row.
    for preset in postfix exim; do
      sed -e "s/^name: .*/name: $preset/" -e "s/^  retry: .*/  retry: $preset/" \
        "$scenario" >"$work/$preset.yaml"
      grep -q "^  retry: $preset\$" "$work/$preset.yaml"
      "$mailsim" run "$work/$preset.yaml" -o "$work/$preset.db" --record attempts --quiet
    done
    dbs=("$work/postfix.db" "$work/exim.db")
    ;;
  timeline) args=(--message 1) ;;
  queue) [ "$(sqlite3 "$work/run.db" 'SELECT COUNT(*) FROM queue_sample')" -gt 0 ] ;;
esac

for ext in png svg; do
  "$plot" "$kind" "${dbs[@]}" "${args[@]}" -o "$work/a.$ext"
  /usr/bin/python3 "$here/check_figure.py" "$work/a.$ext" 5000
  "$plot" "$kind" "${dbs[@]}" "${args[@]}" -o "$work/b.$ext"
  cmp "$work/a.$ext" "$work/b.$ext" || { echo "$kind.$ext differs between two runs" >&2; exit 1; }
done
echo "$kind: PNG $(stat -c %s "$work/a.png") bytes, SVG $(stat -c %s "$work/a.svg") bytes"
