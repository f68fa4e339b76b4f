"""swaks (Debian swaks), a client nobody here wrote, against `mailsim smtpd`.

usage: swaks_test.py MAILSIM CASE (the cases are at the bottom)."""

import os

from realnet_support import Smtpd, check_equal, fail, main, run, split_stored

# swaks sends each line with CRLF and ends the data with its own CRLF "." CRLF: a file
# ending in a line end would gain an empty line.
DATA = (b"From: <b@remote.test>\nTo: <a@local.test>\nSubject: swaks\n"
        b"Message-ID: <swaks@remote.test>\n\nfirst\n.dot\nlast")


def swaks(workdir, port, *args):
    path = os.path.join(workdir, "data.eml")
    with open(path, "wb") as f:
        f.write(DATA)
    result = run(["swaks", "--server", f"127.0.0.1:{port}", "--helo", "client.test",
                  "--from", "b@remote.test", "--to", "a@local.test", "--data", "@" + path,
                  "--pipeline", *args])
    if result.returncode != 0:
        fail(f"swaks exited with {result.returncode}:\n{result.stdout}\n{result.stderr}")
    return result.stdout


def check_pipelined(transcript):
    """With PIPELINING swaks sends MAIL, RCPT and DATA before reading any reply."""
    lines = [l.strip() for l in transcript.splitlines()]
    commands = [l for l in lines if l.startswith(("->", "<-"))]
    mail = next((i for i, l in enumerate(commands) if l.startswith("-> MAIL FROM")), None)
    if mail is None or commands[mail + 1:mail + 3] != ["-> RCPT TO:<a@local.test>", "-> DATA"]:
        fail(f"MAIL, RCPT and DATA were not pipelined:\n{transcript}")


def check_stored(smtpd, proto):
    [(_, content)] = smtpd.wait_for_messages(1)
    return_path, received, rest = split_stored(content)
    check_equal(return_path, b"Return-Path: <b@remote.test>", "Return-Path")
    check_equal(received["proto"], proto, "protocol in Received:")
    check_equal(rest, DATA + b"\n", "the stored message after our header fields")


def pipelining(mailsim, workdir):
    with Smtpd(mailsim, workdir) as smtpd:
        check_pipelined(swaks(workdir, smtpd.port))
        check_stored(smtpd, b"ESMTP")


def auth_plain_on_submission(mailsim, workdir):
    with Smtpd(mailsim, workdir, "--submission", "--auth", "alice:s3cret") as smtpd:
        transcript = swaks(workdir, smtpd.port, "--auth", "PLAIN", "--auth-user", "alice",
                           "--auth-password", "s3cret")
        if "<-  235 " not in transcript and "<- 235 " not in transcript:
            fail(f"no 235 after AUTH PLAIN:\n{transcript}")
        check_pipelined(transcript)
        check_stored(smtpd, b"ESMTPA")


if __name__ == "__main__":
    main({f.__name__: f for f in [pipelining, auth_plain_on_submission]})
