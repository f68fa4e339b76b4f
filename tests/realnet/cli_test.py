"""The command lines of `mailsim smtpd` and `mailsim send`: help, and bad input reported
clearly with exit status 2.

usage: cli_test.py MAILSIM CASE (the cases are at the bottom)."""

import socket

from realnet_support import fail, main, run


def check_bad_input(result, *words):
    if result.returncode != 2:
        fail(f"exit status {result.returncode}, expected 2\n{result.stdout}\n{result.stderr}")
    for word in words:
        if word not in result.stderr:
            fail(f"{word!r} not in the error message {result.stderr!r}")


def help_of_both_verbs(mailsim, workdir):
    for verb, options in [("smtpd", ["--listen", "--local-domains", "--maildir", "--auth",
                                     "--submission", "--max-sessions", "--max-message-size",
                                     "--idle-timeout"]),
                          ("send", ["--server", "--from", "--to", "--auth", "--file", "--size",
                                    "--helo"])]:
        result = run([mailsim, verb, "--help"])
        if result.returncode != 0 or not all(o in result.stdout for o in options):
            fail(f"mailsim {verb} --help: {result.returncode}\n{result.stdout}")


def send_without_recipient(mailsim, workdir):
    check_bad_input(run([mailsim, "send", "--server", "127.0.0.1:25", "--from", "a@b.test"]),
                    "to")


def send_with_file_and_size(mailsim, workdir):
    check_bad_input(run([mailsim, "send", "--server", "127.0.0.1:25", "--from", "a@b.test",
                         "--to", "c@d.test", "--file", "x.eml", "--size", "10"]), "--file")


def send_to_malformed_server(mailsim, workdir):
    check_bad_input(run([mailsim, "send", "--server", "127.0.0.1", "--from", "a@b.test",
                         "--to", "c@d.test"]), "--server", "HOST:PORT")


def smtpd_submission_without_auth(mailsim, workdir):
    check_bad_input(run([mailsim, "smtpd", "--listen", "127.0.0.1:0", "--submission",
                         "--maildir", workdir]), "--auth")


def smtpd_unbounded_message_size(mailsim, workdir):
    check_bad_input(run([mailsim, "smtpd", "--listen", "127.0.0.1:0", "--max-message-size", "0",
                         "--maildir", workdir]), "--max-message-size", "positive")


def smtpd_port_in_use(mailsim, workdir):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        check_bad_input(run([mailsim, "smtpd", "--listen", f"127.0.0.1:{port}",
                             "--maildir", workdir]), "cannot listen on", str(port))


if __name__ == "__main__":
    main({f.__name__: f for f in [
        help_of_both_verbs, send_without_recipient, send_with_file_and_size,
        send_to_malformed_server, smtpd_submission_without_auth, smtpd_unbounded_message_size,
        smtpd_port_in_use]})
