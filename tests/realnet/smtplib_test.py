"""Python's standard smtplib, a client nobody here wrote, against `mailsim smtpd`.

usage: smtplib_test.py MAILSIM CASE (the cases are at the bottom)."""

import smtplib
import socket
import threading

from realnet_support import (Smtpd, check_equal, fail, main, split_stored, wait_until, WAIT)

SENDER = "sender@remote.test"


def message(subject, body=b"Hello.\r\n"):
    return (b"From: <sender@remote.test>\r\nTo: <a@local.test>\r\nSubject: " + subject +
            b"\r\nMessage-ID: <" + subject + b"@remote.test>\r\n\r\n" + body)


def lf(data):
    return data.replace(b"\r\n", b"\n")


def client(port):
    smtp = smtplib.SMTP("127.0.0.1", port, local_hostname="client.test", timeout=WAIT)
    return smtp


def deliver_one(smtpd, recipients, data):
    """Sends through the low-level commands; returns the reply to the final '.'."""
    with client(smtpd.port) as smtp:
        smtp.ehlo()
        check_equal(smtp.mail(SENDER)[0], 250, "MAIL")
        for rcpt in recipients:
            check_equal(smtp.rcpt(rcpt)[0], 250, f"RCPT {rcpt}")
        return smtp.data(data)


def check_stored(content, data, proto=b"ESMTP", rcpt=b"a@local.test"):
    return_path, received, rest = split_stored(content)
    check_equal(return_path, b"Return-Path: <" + SENDER.encode() + b">", "Return-Path")
    check_equal(received["helo"], b"client.test", "HELO name in Received:")
    check_equal(received["ip"], b"127.0.0.1", "client address in Received:")
    check_equal(received["host"], b"mx.test", "host in Received:")
    check_equal(received["proto"], proto, "protocol in Received:")
    check_equal(received["rcpt"], rcpt, "for clause in Received:")
    check_equal(rest, lf(data), "the stored message after our header fields")
    return received


def plain_message(mailsim, workdir):
    with Smtpd(mailsim, workdir) as smtpd:
        data = message(b"plain")
        code, text = deliver_one(smtpd, ["a@local.test"], data)
        check_equal(code, 250, "reply to the final '.'")
        [(name, content)] = smtpd.wait_for_messages(1)
        received = check_stored(content, data)
        check_equal(text.decode(), "2.0.0 Ok: queued as " + received["id"].decode(), "reply text")
        if not name.startswith(received["id"].decode() + "."):
            fail(f"the file {name} is not named after the queue ID {received['id']}")


def several_recipients(mailsim, workdir):
    with Smtpd(mailsim, workdir) as smtpd:
        data = message(b"several")
        with client(smtpd.port) as smtp:
            refused = smtp.sendmail(SENDER, ["a@local.test", "B@LOCAL.TEST", "c@local.test"],
                                    data)
        check_equal(refused, {}, "refused recipients")
        [(_, content)] = smtpd.wait_for_messages(1)
        check_stored(content, data, rcpt=None)


def leading_dots(mailsim, workdir):
    body = (b".\r\n..\r\n...three\r\n.hidden line\r\nmiddle . dot\r\n"
            b". space after dot\r\n\r\n.\r\nlast.\r\n.")
    with Smtpd(mailsim, workdir) as smtpd:
        data = message(b"dots", body)
        with client(smtpd.port) as smtp:
            smtp.sendmail(SENDER, ["a@local.test"], data)  # stuffs dots, adds the last CRLF
        [(_, content)] = smtpd.wait_for_messages(1)
        check_stored(content, data + b"\r\n")


def size_parameter_over_limit(mailsim, workdir):
    with Smtpd(mailsim, workdir, "--max-message-size", "1000") as smtpd:
        with client(smtpd.port) as smtp:
            smtp.ehlo()
            check_equal(smtp.esmtp_features.get("size"), "1000", "SIZE in the EHLO reply")
            try:
                smtp.sendmail(SENDER, ["a@local.test"], message(b"big", b"x" * 2000 + b"\r\n"))
                fail("a message over SIZE was accepted")
            except smtplib.SMTPSenderRefused as e:  # refused at MAIL FROM ... SIZE=
                check_equal(e.smtp_code, 552, "reply to MAIL with SIZE over the limit")
                check_equal(e.smtp_error, b"5.3.4 Message size exceeds fixed limit", "its text")
        check_equal(smtpd.messages(), [], "the Maildir")


def data_over_limit(mailsim, workdir):
    with Smtpd(mailsim, workdir, "--max-message-size", "1000") as smtpd:
        with client(smtpd.port) as smtp:
            smtp.ehlo()
            smtp.mail(SENDER)  # no SIZE= announced: the limit bites at the end of the data
            smtp.rcpt("a@local.test")
            code, text = smtp.data(message(b"big", (b"y" * 70 + b"\r\n") * 20))
            check_equal((code, text), (552, b"5.3.4 Message size exceeds fixed limit"),
                        "reply to the final '.'")
            check_equal(smtp.noop()[0], 250, "the session after the refusal")
        check_equal(smtpd.messages(), [], "the Maildir")


def relay_refused(mailsim, workdir):
    with Smtpd(mailsim, workdir) as smtpd:
        with client(smtpd.port) as smtp:
            try:
                smtp.sendmail(SENDER, ["victim@elsewhere.test"], message(b"relay"))
                fail("relaying to elsewhere.test was accepted")
            except smtplib.SMTPRecipientsRefused as e:
                check_equal(e.recipients, {"victim@elsewhere.test": (
                    554, b"5.7.1 <victim@elsewhere.test>: Relay access denied")}, "refusal")
        check_equal(smtpd.messages(), [], "the Maildir")


def relay_refused_when_authenticated(mailsim, workdir):
    with Smtpd(mailsim, workdir, "--submission", "--auth", "alice:s3cret") as smtpd:
        with client(smtpd.port) as smtp:
            smtp.login("alice", "s3cret")
            refused = smtp.sendmail(SENDER, ["a@local.test", "victim@elsewhere.test"],
                                    message(b"relay-auth"))
            check_equal(refused, {"victim@elsewhere.test": (
                554, b"5.7.1 <victim@elsewhere.test>: Relay access denied")}, "refusals")
        smtpd.wait_for_messages(1)


def submission_requires_auth(mailsim, workdir):
    with Smtpd(mailsim, workdir, "--submission", "--auth", "alice:s3cret") as smtpd:
        with client(smtpd.port) as smtp:
            try:
                smtp.sendmail(SENDER, ["a@local.test"], message(b"noauth"))
                fail("MAIL without AUTH was accepted on a submission listener")
            except smtplib.SMTPSenderRefused as e:
                check_equal(e.smtp_code, 530, "reply to MAIL before AUTH")
                if not e.smtp_error.startswith(b"5.7.0"):
                    fail(f"530 without 5.7.0: {e.smtp_error!r}")
        check_equal(smtpd.messages(), [], "the Maildir")


def submission_accepts_after_auth(mailsim, workdir):
    with Smtpd(mailsim, workdir, "--submission", "--auth", "alice:s3cret") as smtpd:
        data = message(b"auth")
        with client(smtpd.port) as smtp:
            smtp.ehlo()
            if "PLAIN" not in smtp.esmtp_features.get("auth", "").split():
                fail(f"EHLO does not offer AUTH PLAIN: {smtp.esmtp_features}")
            check_equal(smtp.login("alice", "s3cret")[0], 235, "reply to AUTH")
            smtp.sendmail(SENDER, ["a@local.test"], data)
        [(_, content)] = smtpd.wait_for_messages(1)
        check_stored(content, data, proto=b"ESMTPA")


def submission_refuses_wrong_password(mailsim, workdir):
    with Smtpd(mailsim, workdir, "--submission", "--auth", "alice:s3cret") as smtpd:
        with client(smtpd.port) as smtp:
            try:
                smtp.login("alice", "guess")
                fail("a wrong password was accepted")
            except smtplib.SMTPAuthenticationError as e:
                check_equal(e.smtp_code, 535, "reply to AUTH with a wrong password")


def concurrent_sessions(mailsim, workdir):
    count = 50
    with Smtpd(mailsim, workdir) as smtpd:
        errors = []
        start = threading.Barrier(count, timeout=WAIT)

        def send(i):
            try:
                with client(smtpd.port) as smtp:
                    smtp.ehlo()
                    start.wait()  # every session is open at once
                    smtp.sendmail(SENDER, ["a@local.test"], message(b"concurrent-%d" % i))
            except Exception as e:  # reported below
                errors.append(f"client {i}: {e!r}")

        threads = [threading.Thread(target=send, args=(i,)) for i in range(count)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=2 * WAIT)
        if errors:
            fail("; ".join(errors))
        stored = smtpd.wait_for_messages(count)
        subjects = sorted(split_stored(c)[2].split(b"Subject: ")[1].split(b"\n")[0]
                          for _, c in stored)
        check_equal(subjects, sorted(b"concurrent-%d" % i for i in range(count)), "subjects")


def max_sessions_enforced(mailsim, workdir):
    with Smtpd(mailsim, workdir, "--max-sessions", "2") as smtpd:
        first, second = client(smtpd.port), client(smtpd.port)
        try:
            try:
                client(smtpd.port).quit()
                fail("a third session was served with --max-sessions 2")
            except smtplib.SMTPConnectError as e:
                check_equal(e.smtp_code, 421, "greeting over the session limit")
                check_equal(e.smtp_error, b"4.7.0 mx.test Error: too many connections", "text")
            first.quit()

            def third_served():  # the server sees the first session end a little later
                try:
                    client(smtpd.port).quit()
                    return True
                except smtplib.SMTPConnectError:
                    return False
            wait_until(third_served, "a session slot to come free")
        finally:
            second.close()


def idle_session_closed(mailsim, workdir):
    with Smtpd(mailsim, workdir, "--idle-timeout", "1s") as smtpd:
        with socket.create_connection(("127.0.0.1", smtpd.port), timeout=WAIT) as s:
            received = b""
            while True:  # the greeting, then silence, then 421 and the end of the stream
                chunk = s.recv(4096)
                if not chunk:
                    break
                received += chunk
        lines = received.split(b"\r\n")
        check_equal(lines[0], b"220 mx.test ESMTP mailsim", "greeting")
        check_equal(lines[1], b"421 4.4.2 mx.test Error: timeout exceeded", "after 1 s of silence")


def stops_with_sessions_open(mailsim, workdir):
    smtpd = Smtpd(mailsim, workdir)
    try:
        smtp = client(smtpd.port)
        smtp.ehlo()
        smtp.mail(SENDER)
        status = smtpd.stop()
        check_equal(status, 0, "exit status after SIGTERM with a session open")
        smtp.close()
    finally:
        smtpd.stop()


if __name__ == "__main__":
    main({f.__name__: f for f in [
        plain_message, several_recipients, leading_dots, size_parameter_over_limit,
        data_over_limit, relay_refused, relay_refused_when_authenticated,
        submission_requires_auth, submission_accepts_after_auth,
        submission_refuses_wrong_password, concurrent_sessions, max_sessions_enforced,
        idle_session_closed, stops_with_sessions_open]})
