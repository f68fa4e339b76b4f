#!/usr/bin/env bash
# Each fault window is a row of the outage table: the DNS outage of dns-outage.yaml
# (00:10 for 45 minutes: 600 s to 3300 s) and backup-mx.yaml's primary (0 s to 7200 s).
# usage: outage_rows.sh MAILSIM SCENARIOS_DIR
set -euo pipefail
mailsim=$1 scenarios=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$mailsim" run "$scenarios/dns-outage.yaml" -o "$work/dns.db" --quiet
"$mailsim" run "$scenarios/backup-mx.yaml" -o "$work/mx.db" --quiet
got=$(sqlite3 "$work/dns.db" "SELECT target, kind, start_s, end_s FROM outage")
[ "$got" = "dns|dns_down|600.0|3300.0" ] || { echo "dns-outage: outage rows: $got" >&2; exit 1; }
got=$(sqlite3 "$work/mx.db" "SELECT target, kind, start_s, end_s FROM outage")
[ "$got" = "primary|host_down|0.0|7200.0" ] || { echo "backup-mx: outage rows: $got" >&2; exit 1; }
