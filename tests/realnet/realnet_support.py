"""Shared by the realnet interop tests: `mailsim smtpd` and an aiosmtpd server on free
loopback ports, always stopped, and what landed in a Maildir.

Every wait has a time limit; nothing uses a fixed port. Run with Debian's /usr/bin/python3
(python3-aiosmtpd)."""

import asyncio
import logging
import os
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
import traceback

WAIT = 30  # seconds; generous for sanitizer builds on a busy machine

# Received: from HELO (HELO [IP])\n\tby HOST (mailsim) with PROTO id ID\n\t[for <RCPT>]; DATE\n
RECEIVED = re.compile(
    rb"Received: from (?P<helo>\S+) \(\S+ \[(?P<ip>[^\]]+)\]\)\n"
    rb"\tby (?P<host>\S+) \(mailsim\) with (?P<proto>\w+) id (?P<id>\S+)"
    rb"(?:\n\tfor <(?P<rcpt>[^>]*)>;|;\n\t)(?: ?)(?P<date>[^\n]+)\n")


def fail(message):
    raise AssertionError(message)


def check_equal(actual, expected, what):
    if actual != expected:
        fail(f"{what}:\n  expected {expected!r}\n  got      {actual!r}")


def wait_until(condition, what, timeout=WAIT):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.05)
    fail(f"timed out after {timeout} s waiting for {what}")


class Smtpd:
    """`mailsim smtpd` on 127.0.0.1:0 for domain local.test, host name mx.test."""

    def __init__(self, mailsim, workdir, *args):
        self.maildir = os.path.join(workdir, "Maildir")
        self.out_path = os.path.join(workdir, "smtpd.out")
        self.err_path = os.path.join(workdir, "smtpd.err")
        command = [mailsim, "smtpd", "--listen", "127.0.0.1:0", "--hostname", "mx.test",
                   "--local-domains", "local.test", "--maildir", self.maildir, *args]
        with open(self.out_path, "wb") as out, open(self.err_path, "wb") as err:
            self.process = subprocess.Popen(command, stdout=out, stderr=err,
                                            stdin=subprocess.DEVNULL)
        try:
            self.port = wait_until(self._port, "smtpd to say where it listens")
        except BaseException:
            self.stop()
            raise

    def _port(self):
        if self.process.poll() is not None:
            fail(f"smtpd exited with {self.process.returncode}: {self.stderr()}")
        found = re.search(r"^listening on 127\.0\.0\.1:(\d+)$", self.stdout(), re.M)
        return int(found.group(1)) if found else None

    def stdout(self):
        with open(self.out_path, encoding="utf-8", errors="replace") as f:
            return f.read()

    def stderr(self):
        with open(self.err_path, encoding="utf-8", errors="replace") as f:
            return f.read()

    def stop(self):
        """SIGTERM, then the exit status (killed and failed when it does not stop)."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=WAIT)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
                fail("smtpd did not stop on SIGTERM")
        return self.process.returncode

    def messages(self):
        """The files in Maildir/new, oldest first (by name: seconds, then microseconds)."""
        folder = os.path.join(self.maildir, "new")
        names = sorted(os.listdir(folder)) if os.path.isdir(folder) else []
        result = []
        for name in names:
            with open(os.path.join(folder, name), "rb") as f:
                result.append((name, f.read()))
        return result

    def wait_for_messages(self, count):
        return wait_until(lambda: len(self.messages()) >= count and self.messages(),
                          f"{count} message(s) in the Maildir")

    def __enter__(self):
        return self

    def __exit__(self, kind, value, tb):
        status = self.stop()
        if kind is None and status != 0:
            fail(f"smtpd exited with {status} after SIGTERM: {self.stderr()}")
        return False


def split_stored(content):
    """(Return-Path line, the Received match, the message after them) of a stored file."""
    first, rest = content.split(b"\n", 1)
    received = RECEIVED.match(rest)
    if not received:
        fail(f"no Received: field of ours after Return-Path in {content[:300]!r}")
    return first, received, rest[received.end():]


class Aiosmtpd:
    """An aiosmtpd server on 127.0.0.1:0 in a thread of its own, recording every message
    as (mail_from, rcpt_tos, content bytes). `rcpt_replies` maps a recipient to the reply
    that refuses it; `users` turns on AUTH (without TLS) for these user -> password."""

    def __init__(self, rcpt_replies=None, users=None):
        from aiosmtpd.smtp import SMTP, AuthResult  # Debian python3-aiosmtpd

        logging.getLogger("mail.log").setLevel(logging.ERROR)  # its deprecation chatter

        self.received = []
        self.logins = []
        rcpt_replies = rcpt_replies or {}
        recorder = self

        class Handler:
            async def handle_RCPT(self, server, session, envelope, address, options):
                if address in rcpt_replies:
                    return rcpt_replies[address]
                envelope.rcpt_tos.append(address)
                return "250 2.1.5 OK"

            async def handle_DATA(self, server, session, envelope):
                recorder.received.append(
                    (envelope.mail_from, list(envelope.rcpt_tos), envelope.original_content))
                return "250 2.0.0 Message accepted for delivery"

        def authenticator(server, session, envelope, mechanism, data):
            login, password = data.login.decode(), data.password.decode()
            recorder.logins.append((mechanism, login))
            return AuthResult(success=users is not None and users.get(login) == password)

        self.loop = asyncio.new_event_loop()
        options = dict(decode_data=False, hostname="peer.test", loop=self.loop)
        if users is not None:
            options.update(authenticator=authenticator, auth_require_tls=False)
        self.server = self.loop.run_until_complete(
            self.loop.create_server(lambda: SMTP(Handler(), **options), "127.0.0.1", 0))
        self.port = self.server.sockets[0].getsockname()[1]
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()

    def stop(self):
        def close():
            self.server.close()
            self.loop.stop()
        self.loop.call_soon_threadsafe(close)
        self.thread.join(timeout=WAIT)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()
        return False


def run(args, timeout=WAIT, **kwargs):
    """Runs a command to its end; its CompletedProcess with text output."""
    return subprocess.run(args, capture_output=True, text=True, timeout=timeout,
                          stdin=subprocess.DEVNULL, **kwargs)


def main(cases):
    """`script MAILSIM CASE`: runs one case in a fresh temporary folder; exit 0 or 1."""
    if len(sys.argv) != 3 or sys.argv[2] not in cases:
        sys.exit(f"usage: {sys.argv[0]} MAILSIM {{{'|'.join(cases)}}}")
    mailsim, case = sys.argv[1], sys.argv[2]
    with tempfile.TemporaryDirectory(prefix="mailsim-realnet-") as workdir:
        try:
            cases[case](mailsim, workdir)
        except Exception:  # the message is the test's verdict
            traceback.print_exc()
            sys.exit(1)
    print(f"{case}: ok")
