#!/usr/bin/env bash
# mailsim validate prints the summary and the warnings, and warnings keep exit status 0.
# usage: validate.sh MAILSIM SCENARIOS_DIR
set -uo pipefail
mailsim=$1 scenarios=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
failures=0
# The university: 4 hosts, 3 links, 4 MTAs; domains example.edu, college.example.edu and
# cs.college.example.edu (3, each with one MX record); one message and a group of
# 300 a day; the department down for the first 3 h.
"$mailsim" validate "$scenarios/university.yaml" >out.txt 2>err.txt || failures=$((failures + 1))
cat >want.txt <<WANT
$scenarios/university.yaml: scenario 'university' is valid
  network  4 hosts (0 routers), 3 links
  mail     4 MTAs, 3 domains, 3 MX records
  traffic  1 message to 1 recipient, and 1 sender group expecting about 300 messages in 1d
  faults   1 fault: 1 outage window, 3h down in all
  run      seed 1, duration 1d
WANT
if ! diff -u want.txt out.txt; then failures=$((failures + 1)); fi
# b is down for 6 days and a's Postfix law gives up after 5: a warning, status 0.
cat >six_days.yaml <<'YAML'
name: six_days
duration: 7d
hosts: [{name: a}, {name: b}]
links: [{between: [a, b], bandwidth: 10Mbps, latency: 1ms}]
mtas:
  - {name: a, host: a, hostname: mail.a.example}
  - {name: b, host: b, hostname: b.example, local_domains: [b.example], mailboxes: [bob]}
traffic: {messages: [{at: 0s, origin: a, from: x@a.example, to: bob@b.example}]}
faults: [{type: host_down, target: b, start: 0s, duration: 6d}]
YAML
"$mailsim" validate six_days.yaml >out.txt 2>err.txt
status=$?
if [ "$status" -ne 0 ] || ! grep -q "^warning: MTA 'a' gives up on mail for 'b.example' via MTA 'b' 5d after it is queued" out.txt; then
  echo "FAIL: validate six_days.yaml -> status $status, output:" >&2
  cat out.txt err.txt >&2
  failures=$((failures + 1))
fi
# Traffic from a group and a burst: 1,500/d on average over 7 days is 10,500 messages;
# 7 members 3 to a message are 3 messages (3, 3, 1) to 7 recipients.
cat >mean_traffic.yaml <<'YAML'
name: mean_traffic
duration: 7d
hosts: [{name: a}, {name: b}]
links: [{between: [a, b], bandwidth: 10Mbps, latency: 1ms}]
mtas:
  - {name: a, host: a, hostname: mail.a.example}
  - {name: b, host: b, hostname: b.example, local_domains: [b.example], mailboxes: ["u{1..9}"]}
traffic:
  messages: [{at: 0s, origin: a, from: x@a.example, to: u1@b.example}]
  groups: [{name: staff, origin: a, from: x@a.example, to: "u{1..9}@b.example", rate: 1500/d,
            profile: office}]
  bursts: [{at: 1h, origin: a, from: l@a.example, to: "u{1..7}@b.example", per_message: 3}]
YAML
"$mailsim" validate mean_traffic.yaml >out.txt 2>err.txt || failures=$((failures + 1))
want="  traffic  1 message to 1 recipient, bursts of 3 messages to 7 recipients, and 1 sender group expecting about 10,500 messages in 7d"
if ! grep -qxF "$want" out.txt; then
  echo "FAIL: validate mean_traffic.yaml: want the line '$want', got:" >&2
  cat out.txt err.txt >&2
  failures=$((failures + 1))
fi
if ls ./*.db >/dev/null 2>&1; then
  echo "FAIL: validate wrote a results file" >&2
  failures=$((failures + 1))
fi
exit $((failures > 0))
