"""What `mailsim run` records and `mailsim report --json` says, read back with Python's
own json and sqlite3 modules and checked against numbers known from the approved
university scenario's explicit message alone (its sender group cut out): it waits at
college from 00:00:00.572 until the department takes it at 03:05:00.244 and delivers it
at 03:05:00.294, after 8 attempts over all hops. The college tries at 0.622 s, 10m, 25m,
55m and 1h55m (each times out after 30 s; Postfix's next try is due the message's age,
300 s to 4000 s, after the failure, taken at the next 300 s scan), and at 3h5m, after the
3 h outage: the 26,104 bytes of DATA leave at 03:05:00.122 and take 104 ms at 2 Mbps plus
the link's 15 ms; the department queues the message and delivers it 50 ms later.

usage: results_test.py MAILSIM SCENARIOS_DIR TEST_SCENARIOS_DIR CASE
"""
import email
import json
import math
import os
import sqlite3
import subprocess
import sys
import tempfile

MAILSIM, SCENARIOS, TEST_SCENARIOS, CASE = sys.argv[1:5]
UNIVERSITY = os.path.join(SCENARIOS, "university.yaml")


def explicit_message_only(work):
    # university.yaml without its sender group: the block from "  groups:" to the blank
    # line before "faults:".
    with open(UNIVERSITY) as f:
        lines = f.read().split("\n")
    start = lines.index("  groups:")
    end = lines.index("", start)
    path = os.path.join(work, "university-one.yaml")
    with open(path, "w") as f:
        f.write("\n".join(lines[:start] + lines[end + 1:]))
    return path


# The baseline shows times rounded to the millisecond; a difference of two of them is
# within 1 ms of the exact one.
def close(actual, expected, tolerance=0.001):
    assert actual is not None and abs(actual - expected) <= tolerance, (actual, expected)


def run(work, scenario, *options):
    db = os.path.join(work, "out.db")
    subprocess.run([MAILSIM, "run", scenario, "-o", db, "--quiet", *options], check=True)
    return db


def report(db):
    out = subprocess.run([MAILSIM, "report", db, "--json"], check=True, capture_output=True,
                         text=True).stdout
    assert out.endswith("}\n") and out.count("\n") == 1, out
    return json.loads(out)


def report_json_university(work):
    r = report(run(work, explicit_message_only(work)))
    assert r["report_format"] == 1
    assert (r["scenario"], r["seed"], r["status"], r["record_level"]) == (
        "university", 1, "completed", "attempts")
    assert r["sim_end_s"] == 86400
    assert (r["messages"], r["recipients"], r["delivered"], r["bounced"], r["expired"],
            r["queued"]) == (1, 1, 1, 0, 0, 0)
    for key in ("latency_p50_s", "latency_p90_s", "latency_p99_s", "latency_max_s"):
        close(r[key], 3 * 3600 + 5 * 60 + 0.294)  # 3h5m0.294s
    assert r["attempts"] == 8 and r["attempts_per_recipient"] == 8
    nodes = {n["name"]: n for n in r["nodes"]}
    assert list(nodes) == ["outside", "university", "college", "department"]
    for n in nodes.values():
        assert n["kind"] == "host" and n["retry_policy"] == "postfix" and n["messages"] == 1, n
    close(nodes["outside"]["mean_time_s"], 0.499)  # until university queued it
    close(nodes["university"]["mean_time_s"], 0.572 - 0.499)
    close(nodes["college"]["mean_time_s"], 3 * 3600 + 5 * 60 + 0.244 - 0.572)
    close(nodes["department"]["mean_time_s"], 0.294 - 0.244)  # until delivered
    assert nodes["college"]["peak_queue"] == 1
    assert [p["policy"] for p in r["retry_policies"]] == ["postfix"]
    postfix = r["retry_policies"][0]
    assert postfix["nodes"] == list(nodes)
    assert (postfix["recipients"], postfix["delivered"], postfix["attempts"]) == (1, 1, 8)
    close(postfix["latency_max_s"], r["latency_max_s"], 0)


def queue_samples_university(work):
    db = sqlite3.connect(run(work, explicit_message_only(work)))
    college = db.execute("SELECT t_s, incoming, active, deferred FROM queue_sample"
                         " WHERE node = 'college' ORDER BY t_s").fetchall()
    # Sampled every minute of 1d, a row only where the counts changed, and the first and
    # last samples. The message reaches college at 0.572 s, after the sample at 0. Its
    # attempts during the outage (0.622 s, then 10m, 25m, 55m and 1h55m, the queue scans
    # that find it due) each time out after 30 s: the ones that start on a sample show it
    # active there and deferred a minute later. The attempt at 3h5m is delivering it at the
    # sample of 11100 s; delivered at 03:05:00.294, nothing is left at college after.
    assert college == [(0.0, 0, 0, 0), (60.0, 0, 0, 1),
                       (600.0, 0, 1, 0), (660.0, 0, 0, 1), (1500.0, 0, 1, 0), (1560.0, 0, 0, 1),
                       (3300.0, 0, 1, 0), (3360.0, 0, 0, 1), (6900.0, 0, 1, 0), (6960.0, 0, 0, 1),
                       (11100.0, 0, 1, 0), (11160.0, 0, 0, 0), (86400.0, 0, 0, 0)], college
    # outside holds the message it creates at 0 (sampled after every event at 0) and hands
    # it on within the first minute; university and department never hold it at a sample.
    by_node = {node: [] for (node,) in db.execute("SELECT DISTINCT node FROM queue_sample")}
    for node, t, i, a, d in db.execute("SELECT node, t_s, incoming, active, deferred"
                                       " FROM queue_sample ORDER BY node, t_s"):
        by_node[node].append((t, i, a, d))
    assert by_node["outside"] == [(0.0, 1, 0, 0), (60.0, 0, 0, 0), (86400.0, 0, 0, 0)]
    for node in ("university", "department"):
        assert by_node[node] == [(0.0, 0, 0, 0), (86400.0, 0, 0, 0)], (node, by_node[node])
    assert len(by_node) == 4


def summary_level_keeps_no_samples(work):
    db = run(work, explicit_message_only(work), "--record", "summary")
    r = report(db)
    assert r["record_level"] == "summary" and r["delivered"] == 1 and r["attempts"] == 8
    assert all(n["peak_queue"] is None and n["mean_time_s"] is None for n in r["nodes"])
    con = sqlite3.connect(db)
    for table in ("queue_sample", "outage", "attempt", "hop", "transcript"):
        assert con.execute(f"SELECT count(*) FROM {table}").fetchone() == (0,), table


def retry_policies_mixed(work):
    r = report(run(work, os.path.join(TEST_SCENARIOS, "mixed_retry.yaml")))
    policies = {p["policy"]: p for p in r["retry_policies"]}
    assert list(policies) == ["postfix", "exim"], list(policies)
    assert policies["exim"]["nodes"] == ["relay_a"]
    assert policies["postfix"]["nodes"] == ["outside", "relay_b", "dept_a", "dept_b"]
    for p in policies.values():  # each relay retried its own message until dept came back
        assert (p["recipients"], p["delivered"]) == (1, 1), p
        assert p["latency_max_s"] >= 7200, p
    assert policies["exim"]["attempts"] + policies["postfix"]["attempts"] == r["attempts"]
    text = subprocess.run([MAILSIM, "report", os.path.join(work, "out.db")], check=True,
                          capture_output=True, text=True).stdout
    assert "retry policy exim (relay_a)\n  recipients  1: delivered 1" in text, text


def mean_stays_university(work):
    # The whole university day (317 messages): each node's mean stay is the exact sum of
    # its stays in the hop_delay view, rounded once (Python's math.fsum), over their
    # number: the same double, whatever order the rows were summed in.
    db = run(work, UNIVERSITY)
    r = report(db)
    con = sqlite3.connect(db)
    for n in r["nodes"]:
        delays = [d for (d,) in con.execute(
            "SELECT delay_s FROM hop_delay WHERE node = ? AND delay_s IS NOT NULL", (n["name"],))]
        assert delays, n
        assert n["mean_time_s"] == math.fsum(delays) / len(delays), (n, math.fsum(delays))
    assert len(r["nodes"]) == 4


def delivery_headers_university(work):
    # The whole university day. At the default level (attempts) every delivered recipient
    # has its delivery row, at its delivery time, and no header block. At full each copy's
    # header block, parsed by Python's email package, starts with the message's sender as
    # Return-Path, and its Received: chain, read bottom-up, names the queue ids of the
    # message's hops in the order it reached them, from its origin to the delivering node.
    con = sqlite3.connect(run(work, UNIVERSITY))
    delivered = con.execute("SELECT msg_id, rcpt, delivered_s FROM recipient"
                            " WHERE status = 'delivered' ORDER BY msg_id, rcpt").fetchall()
    assert len(delivered) > 300, len(delivered)
    assert con.execute("SELECT msg_id, rcpt, delivered_s FROM delivery"
                       " ORDER BY msg_id, rcpt").fetchall() == delivered
    assert con.execute("SELECT count(*) FROM delivery WHERE headers IS NOT NULL").fetchone() == (0,)
    con.close()
    os.remove(os.path.join(work, "out.db"))
    con = sqlite3.connect(run(work, UNIVERSITY, "--record", "full"))
    rows = con.execute("SELECT d.msg_id, d.node, d.headers, m.sender, m.origin FROM delivery d"
                       " JOIN message m USING (run_id, msg_id) ORDER BY d.rowid").fetchall()
    assert len(rows) == len(delivered)
    whole_chains = 0
    for msg, node, headers, sender, origin in rows:
        copy = email.message_from_string(headers)
        assert copy["Return-Path"] == "<" + sender + ">", (msg, copy["Return-Path"])
        ids = [" ".join(r.split()).split(" id ")[1].split()[0]
               for r in reversed(copy.get_all("Received"))]
        hops = {q: (n, t, f) for n, q, t, f in con.execute(
            "SELECT node, queue_id, arrived_s, from_node FROM hop WHERE msg_id = ?", (msg,))}
        chain = [hops[i] for i in ids]
        assert chain[0][2] == origin and chain[-1][0] == node, (msg, chain)
        assert [t for _, t, _ in chain] == sorted(t for _, t, _ in chain), (msg, chain)
        received = sorted((t, q) for q, (_, t, f) in hops.items() if f is not None)
        if len(hops) == len({n for n, _, _ in hops.values()}):  # one path, no branches
            assert ids == [q for _, q in received], (msg, ids, received)
            whole_chains += 1
    assert whole_chains > 300, whole_chains


CASES = {f.__name__: f for f in (report_json_university, queue_samples_university,
                                 summary_level_keeps_no_samples, retry_policies_mixed,
                                 mean_stays_university, delivery_headers_university)}

if __name__ == "__main__":
    with tempfile.TemporaryDirectory() as work:
        CASES[CASE](work)
    print(CASE, "ok")
