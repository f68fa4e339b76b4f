#!/usr/bin/env bash
# tools/plot draws KIND from a fresh run of a shipped scenario, as PNG and as SVG: each
# file is a valid, non-trivial figure, drawing it again gives the same bytes, and the SVG
# shows what the results hold, read here with sqlite3 rather than through tools/plot: the
# delivered count in the CDF's legend, every sampled MTA and every outage, every message
# and node of the hop delays, message 1's nodes and attempt outcomes, each run's number
# of attempts.
# retry-timeline draws two runs that differ in their retry preset.
# usage: plot.sh MAILSIM PLOT SCENARIO.yaml KIND
set -euo pipefail
mailsim=$1 plot=$2 scenario=$3 kind=$4
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export MPLCONFIGDIR="$work/matplotlib"

"$mailsim" run "$scenario" -o "$work/run.db" --record full --quiet
sql() { sqlite3 "$work/run.db" "$1"; }
dbs=("$work/run.db")
args=()
texts=()
case $kind in
  latency-cdf)
    total=$(sql "SELECT COUNT(*) FROM recipient JOIN message USING (msg_id) WHERE kind = 'user'")
    delivered=$(sql "SELECT COUNT(*) FROM recipient JOIN message USING (msg_id)
                     WHERE kind = 'user' AND status = 'delivered'")
    texts=("$(sql 'SELECT scenario FROM run') ($delivered/$total delivered)")
    ;;
  queue)
    [ "$(sql 'SELECT COUNT(*) FROM queue_sample')" -gt 0 ]
    mapfile -t texts < <(sql "SELECT DISTINCT node FROM queue_sample
                              UNION SELECT kind || ' ' || target FROM outage")
    ;;
  hop-delay)
    [ "$(sql "SELECT COUNT(*) FROM message WHERE kind = 'user'")" -le 50 ] # a bar each
    mapfile -t texts < <(sql "SELECT DISTINCT 'msg ' || msg_id FROM hop JOIN message USING (msg_id)
                              WHERE kind = 'user' UNION SELECT DISTINCT node FROM hop")
    ;;
  timeline)
    args=(--message 1)
    mapfile -t texts < <(sql "SELECT 'Message 1 <' || message_id || '>' FROM message WHERE msg_id = 1
                              UNION SELECT node FROM hop WHERE msg_id = 1
                              UNION SELECT DISTINCT 'attempt: ' || outcome FROM attempt
                              WHERE msg_id = 1")
    ;;
  retry-timeline)
    # The same scenario under another preset: its name labels the row.
    dbs=()
    for preset in postfix exim; do
      sed -e "s/^name: .*/name: $preset/" -e "s/^  retry: .*/  retry: $preset/" \
        "$scenario" >"$work/$preset.yaml"
      grep -q "^  retry: $preset\$" "$work/$preset.yaml"
      "$mailsim" run "$work/$preset.yaml" -o "$work/$preset.db" --record attempts --quiet
      dbs+=("$work/$preset.db")
      texts+=("$preset" "$(sqlite3 "$work/$preset.db" 'SELECT COUNT(*) FROM attempt') attempts")
    done
    ;;
esac
[ ${#texts[@]} -gt 0 ] || { echo "nothing to look for in the $kind figure" >&2; exit 1; }

for ext in png svg; do
  "$plot" "$kind" "${dbs[@]}" "${args[@]}" -o "$work/a.$ext"
  /usr/bin/python3 "$here/check_figure.py" "$work/a.$ext" 5000 "${texts[@]}"
  "$plot" "$kind" "${dbs[@]}" "${args[@]}" -o "$work/b.$ext"
  cmp "$work/a.$ext" "$work/b.$ext" || { echo "$kind.$ext differs between two runs" >&2; exit 1; }
done
echo "$kind: PNG $(stat -c %s "$work/a.png") bytes, SVG $(stat -c %s "$work/a.svg") bytes," \
  "showing: ${texts[*]}"
