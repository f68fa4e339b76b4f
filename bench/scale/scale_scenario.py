#!/usr/bin/env python3
"""Writes the end-to-end benchmark scenario: an outside sender, a university MX and N
department servers behind it, with M explicit messages spread evenly over SPREAD
(the shape of notebooks/04-scaling.ipynb, larger).

Every message crosses two SMTP hops (outside -> university -> department), so the run
measures the whole path: the workload, two client/server SMTP sessions per message, the
flow model, the queue managers and the recorder.

Reproduce the figures of the speed commits (Release build, best of several runs, before
and after measured in the same minute on a loaded machine):

    python3 bench/scale/scale_scenario.py --departments 300 --messages 100000 > /tmp/scale.yaml
    /usr/bin/time -v build/sim/cli/mailsim run /tmp/scale.yaml -o /tmp/scale.db --force \
        --quiet --record attempts

messages/s = messages / "Elapsed (wall clock)"; peak memory = "Maximum resident set size".
mailsim's own summary line (without --quiet) gives the engine's events and events/s.
"""
import argparse
import sys


def scenario(departments, messages, spread_s):
    out = [f"name: scale-{departments}x{messages}",
           f"description: {departments} departments, {messages} messages",
           "seed: 1", f"duration: {spread_s // 3600 + 2}h", "",
           "hosts:", "  - name: outside", "  - name: university"]
    out += [f"  - name: dept{i}" for i in range(departments)]
    out += ["", "links:",
            "  - {between: [outside, university], bandwidth: 1Gbps, latency: 40ms}"]
    out += [f"  - {{between: [university, dept{i}], bandwidth: 100Mbps, latency: 2ms}}"
            for i in range(departments)]
    out += ["", "dns:", "  mx:"]
    out += [f"    d{i}.example.edu: \"10 mx.example.edu\"" for i in range(departments)]
    out += ["", "defaults:", "  retry: postfix", "  processing_delay: 50ms", "", "mtas:",
            "  - {name: outside, host: outside, hostname: mail.example.org}",
            "  - name: university", "    host: university", "    hostname: mx.example.edu",
            "    relay_domains: [.example.edu]", "    transport:"]
    out += [f"      d{i}.example.edu: mail.d{i}.example.edu" for i in range(departments)]
    for i in range(departments):
        out += [f"  - name: dept{i}", f"    host: dept{i}",
                f"    hostname: mail.d{i}.example.edu",
                f"    local_domains: [d{i}.example.edu]", "    mailboxes: [staff]"]
    out += ["", "traffic:", "  messages:"]
    for k in range(messages):
        at_ms = k * spread_s * 1000 // messages
        out.append(f"    - {{at: {at_ms}ms, origin: outside, from: a@example.org, "
                   f"to: staff@d{k % departments}.example.edu}}")
    return "\n".join(out) + "\n"


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--departments", type=int, default=300)
    p.add_argument("--messages", type=int, default=100000)
    p.add_argument("--spread", type=int, default=3600, help="seconds over which to send")
    a = p.parse_args()
    sys.stdout.write(scenario(a.departments, a.messages, a.spread))


if __name__ == "__main__":
    main()
