#!/usr/bin/env bash
# `mailsim validate` warns about an MTA declared an open relay, and about no other: no
# shipped scenario declares one.
# usage: open_relay_warning.sh MAILSIM SCENARIOS_DIR
set -euo pipefail
mailsim=$1 scenarios=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cat >"$work/open.yaml" <<'YAML'
name: open
hosts: [{name: h1}, {name: h2}]
mtas:
  - {name: closed, host: h1, hostname: m1.example}
  - {name: spamhaven, host: h2, hostname: m2.example, receive: {open_relay: true}}
YAML
"$mailsim" validate "$work/open.yaml" >"$work/out.txt"
cat "$work/out.txt"
grep -qx "warning: MTA 'spamhaven' is an open relay (receive: open_relay: true): it relays mail for anyone, unauthenticated" "$work/out.txt"
[ "$(grep -c "open relay" "$work/out.txt")" -eq 1 ] || { echo "expected exactly one open-relay warning" >&2; exit 1; }
for scenario in "$scenarios"/*.yaml; do
  if "$mailsim" validate "$scenario" | grep "open relay"; then
    echo "$scenario: a shipped scenario should not declare an open relay" >&2
    exit 1
  fi
done
