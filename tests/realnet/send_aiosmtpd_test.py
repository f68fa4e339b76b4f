"""`mailsim send` against aiosmtpd (Debian python3-aiosmtpd), a server nobody here wrote:
it must receive exactly the envelope and bytes sent, and send's exit status must follow
the recipients' fate.

usage: send_aiosmtpd_test.py MAILSIM CASE (the cases are at the bottom)."""

import os
import re
import socket

from realnet_support import Aiosmtpd, check_equal, fail, main, run

# Lines beginning with "." (stuffed on the wire, unstuffed by aiosmtpd), an empty line, a
# CR alone, and no line end after the last line.
EML = (b"From: Alice <alice@origin.test>\nTo: bob@peer.test\nSubject: exact bytes\n"
       b"Message-ID: <exact@origin.test>\n\n.\n..two\n.leading dot\nbare\rCR stays\n\nend")
EML_CRLF = EML.replace(b"\n", b"\r\n") + b"\r\n"


def send(mailsim, port, *args):
    return run([mailsim, "send", "--server", f"127.0.0.1:{port}", "--helo", "client.test",
                *args])


def check_status(result, expected):
    if result.returncode != expected:
        fail(f"mailsim send exited with {result.returncode}, expected {expected}\n"
             f"stdout: {result.stdout}\nstderr: {result.stderr}")


def check_lines(result, patterns):
    lines = result.stdout.splitlines()
    if len(lines) != len(patterns) or not all(re.fullmatch(p, l) for p, l in zip(patterns, lines)):
        fail(f"send printed {lines}, expected lines matching {patterns}")


def write_eml(workdir, content):
    path = os.path.join(workdir, "message.eml")
    with open(path, "wb") as f:
        f.write(content)
    return path


def file_arrives_exactly(mailsim, workdir):
    with Aiosmtpd() as peer:
        result = send(mailsim, peer.port, "--from", "alice@origin.test", "--to", "bob@peer.test",
                      "--to", "carol@peer.test", "--file", write_eml(workdir, EML))
        check_status(result, 0)
        check_lines(result, [r"bob@peer\.test accepted 250 2\.0\.0 Message accepted for delivery",
                             r"carol@peer\.test accepted 250 .*"])
    check_equal(peer.received, [("alice@origin.test", ["bob@peer.test", "carol@peer.test"],
                                 EML_CRLF)], "what aiosmtpd received")


def crlf_file_is_sent_unchanged(mailsim, workdir):
    with Aiosmtpd() as peer:
        result = send(mailsim, peer.port, "--from", "", "--to", "bob@peer.test",
                      "--file", write_eml(workdir, EML_CRLF))
        check_status(result, 0)
    # aiosmtpd spells the null sender "<>".
    check_equal(peer.received, [("<>", ["bob@peer.test"], EML_CRLF)], "what aiosmtpd received")


def generated_message_has_headers_and_size(mailsim, workdir):
    with Aiosmtpd() as peer:
        check_status(send(mailsim, peer.port, "--from", "a@origin.test", "--to", "b@peer.test",
                          "--size", "5000"), 0)
    [(sender, rcpts, content)] = peer.received
    check_equal((sender, rcpts), ("a@origin.test", ["b@peer.test"]), "envelope")
    header, body = content.split(b"\r\n\r\n", 1)
    names = [line.split(b":")[0] for line in header.split(b"\r\n")]
    for name in [b"From", b"To", b"Subject", b"Date", b"Message-ID"]:
        if name not in names:
            fail(f"no {name!r} in the generated header {header!r}")
    check_equal(len(body), 5000, "octets in the body for --size 5000")


def auth_plain(mailsim, workdir):
    with Aiosmtpd(users={"alice": "s3cret"}) as peer:
        check_status(send(mailsim, peer.port, "--auth", "alice:s3cret", "--from", "a@origin.test",
                          "--to", "b@peer.test", "--size", "100"), 0)
    check_equal(peer.logins, [("PLAIN", "alice")], "AUTH seen by aiosmtpd")
    check_equal(len(peer.received), 1, "messages received")


def rejected_recipient_exits_65(mailsim, workdir):
    with Aiosmtpd(rcpt_replies={"bad@peer.test": "550 5.1.1 User unknown"}) as peer:
        result = send(mailsim, peer.port, "--from", "a@origin.test", "--to", "good@peer.test",
                      "--to", "bad@peer.test", "--file", write_eml(workdir, EML))
        check_status(result, 65)
        check_lines(result, [r"good@peer\.test accepted 250 .*",
                             r"bad@peer\.test rejected 550 5\.1\.1 User unknown"])
    check_equal(peer.received, [("a@origin.test", ["good@peer.test"], EML_CRLF)],
                "what aiosmtpd received")


def deferred_recipient_exits_75(mailsim, workdir):
    with Aiosmtpd(rcpt_replies={"later@peer.test": "450 4.2.0 Greylisted, try again"}) as peer:
        result = send(mailsim, peer.port, "--from", "a@origin.test", "--to", "later@peer.test",
                      "--to", "now@peer.test", "--size", "100")
        check_status(result, 75)
        check_lines(result, [r"later@peer\.test deferred 450 4\.2\.0 Greylisted, try again",
                             r"now@peer\.test accepted 250 .*"])


def refused_connection_exits_75(mailsim, workdir):
    with socket.socket() as s:  # a port that nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    result = send(mailsim, port, "--from", "a@origin.test", "--to", "b@peer.test")
    check_status(result, 75)
    check_lines(result, [r"b@peer\.test deferred 451 4\.4\.2 .*"])
    if f"connect to 127.0.0.1:{port}: Connection refused" not in result.stderr:
        fail(f"no clear message on stderr: {result.stderr!r}")


if __name__ == "__main__":
    main({f.__name__: f for f in [
        file_arrives_exactly, crlf_file_is_sent_unchanged, generated_message_has_headers_and_size,
        auth_plain, rejected_recipient_exits_65, deferred_recipient_exits_75,
        refused_connection_exits_75]})
