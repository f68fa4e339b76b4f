"""Reads the DSNs dsn_writer writes with Python's own MIME parser (the standard email
package), so that their structure is checked by code that shares nothing with mailsim's.

Usage: /usr/bin/python3 dsn_structure_test.py PATH/TO/dsn_writer
Exit status 0 when every check holds; each failure is printed.
"""

import email
import email.policy
import email.utils
import pathlib
import re
import subprocess
import sys
import tempfile

FAILURES = []


def check(condition, what):
    if not condition:
        FAILURES.append(what)


def parse(path):
    return email.message_from_bytes(path.read_bytes(), policy=email.policy.default)


def defects(message):
    found = list(message.defects)
    for part in message.walk():
        found.extend(part.defects)
    return found


def raw_returned_part(raw, boundary):
    """The bytes of the third body part's content, cut out at the boundary the parser found."""
    delimiter = b"\r\n--" + boundary.encode() + b"\r\n"
    third = raw.split(delimiter)[3]
    content = third.split(b"\r\n\r\n", 1)[1]
    return content[: content.rindex(b"\r\n--" + boundary.encode() + b"--")]


def check_headers(name, message, subject):
    check(message.get_content_type() == "multipart/report", f"{name}: content type")
    check(message.get_param("report-type") == "delivery-status", f"{name}: report-type")
    check(message["Subject"] == subject, f"{name}: Subject {message['Subject']!r}")
    check(message["To"] == "a@src.example", f"{name}: To {message['To']!r}")
    check(message["From"].addresses[0].addr_spec == "MAILER-DAEMON@relay.src.example",
          f"{name}: From {message['From']!r}")
    check(message["From"].addresses[0].display_name == "Mail Delivery System",
          f"{name}: From display name")
    check(message["Auto-Submitted"] == "auto-replied", f"{name}: Auto-Submitted")
    check(message["Date"].datetime is not None, f"{name}: Date")
    check(message["Message-ID"] == "<dsn.4F3A2B@relay.src.example>", f"{name}: Message-ID")


def check_report(name, part, action, statuses):
    check(part.get_content_type() == "message/delivery-status", f"{name}: part 2 type")
    blocks = part.get_payload()
    check(len(blocks) == 3, f"{name}: {len(blocks)} blocks, want per-message + 2 recipients")
    if len(blocks) != 3:
        return
    per_message, remote, local = blocks
    check(per_message["Reporting-MTA"] == "dns; relay.src.example", f"{name}: Reporting-MTA")
    check(per_message["Original-Envelope-Id"] == "QQ314159", f"{name}: Original-Envelope-Id")
    check(email.utils.parsedate_to_datetime(per_message["Arrival-Date"]).timestamp()
          == 1795903261, f"{name}: Arrival-Date")
    check(remote["Final-Recipient"] == "rfc822; b@dest.example", f"{name}: Final-Recipient")
    check(remote["Original-Recipient"] == "rfc822;bob@dest.example", f"{name}: Original-Recipient")
    check(local["Final-Recipient"] == "rfc822; c@other.example", f"{name}: 2nd Final-Recipient")
    check(local["Original-Recipient"] is None, f"{name}: no Original-Recipient without ORCPT")
    for block, status in zip((remote, local), statuses):
        check(block["Action"] == action, f"{name}: Action {block['Action']!r}")
        check(block["Status"] == status, f"{name}: Status {block['Status']!r}")
        check(re.fullmatch(r"[245]\.\d{1,3}\.\d{1,3}", block["Status"]) is not None,
              f"{name}: Status syntax")
        check(email.utils.parsedate_to_datetime(block["Last-Attempt-Date"]) is not None,
              f"{name}: Last-Attempt-Date")
    check(remote["Remote-MTA"] == "dns; mx.dest.example", f"{name}: Remote-MTA")
    check(local["Remote-MTA"] is None, f"{name}: no Remote-MTA for a local failure")
    diagnostic = " ".join(remote["Diagnostic-Code"].split())
    check(diagnostic.startswith("smtp; 5") or diagnostic.startswith("smtp; 4"),
          f"{name}: Diagnostic-Code {diagnostic!r}")
    check(local["Diagnostic-Code"].startswith("X-mailsim; "), f"{name}: local Diagnostic-Code")
    if action == "delayed":
        for block in (remote, local):
            check(block["Will-Retry-Until"] is not None, f"{name}: Will-Retry-Until")


def check_returned_whole(name, raw, message, original):
    part = message.get_payload()[2]
    check(part.get_content_type() == "message/rfc822", f"{name}: part 3 type")
    inner = part.get_payload(0)
    expected = email.message_from_bytes(original, policy=email.policy.default)
    check(inner["Message-ID"] == expected["Message-ID"], f"{name}: returned Message-ID")
    check(inner["Subject"] == expected["Subject"], f"{name}: returned Subject")
    check(raw_returned_part(raw, message.get_boundary()) == original,
          f"{name}: returned message is not byte-identical")


def check_returned_headers(name, raw, message, original):
    part = message.get_payload()[2]
    check(part.get_content_type() == "text/rfc822-headers", f"{name}: part 3 type")
    header = original.split(b"\r\n\r\n", 1)[0] + b"\r\n"
    check(raw_returned_part(raw, message.get_boundary()) == header,
          f"{name}: returned headers are not the original's")
    returned = email.message_from_bytes(part.get_payload(decode=True),
                                        policy=email.policy.default)
    check(returned["Message-ID"] == "<1@src.example>", f"{name}: returned header Message-ID")


def main():
    writer = sys.argv[1]
    with tempfile.TemporaryDirectory() as folder:
        subprocess.run([writer, folder], check=True)
        path = pathlib.Path(folder)
        cases = [
            ("bounce.eml", "original.eml", "Undelivered Mail Returned to Sender", "failed", True),
            ("synthetic_bounce.eml", "synthetic_original.eml",
             "Undelivered Mail Returned to Sender", "failed", True),
            ("headers_bounce.eml", "original.eml", "Undelivered Mail Returned to Sender",
             "failed", False),
            ("warning.eml", "original.eml", "Delayed Mail (still being retried)", "delayed",
             False),
        ]
        for name, original_name, subject, action, whole in cases:
            raw = (path / name).read_bytes()
            original = (path / original_name).read_bytes()
            message = parse(path / name)
            check(not defects(message), f"{name}: parser defects {defects(message)}")
            check_headers(name, message, subject)
            parts = message.get_payload()
            check(len(parts) == 3, f"{name}: {len(parts)} parts")
            if len(parts) != 3:
                continue
            check(parts[0].get_content_type() == "text/plain", f"{name}: part 1 type")
            check("relay.src.example" in parts[0].get_content(), f"{name}: notification text")
            statuses = ("5.1.1", "4.4.1") if action == "failed" else ("4.2.0", "4.2.0")
            check_report(name, parts[1], action, statuses)
            if whole:
                check_returned_whole(name, raw, message, original)
            else:
                check_returned_headers(name, raw, message, original)
    for failure in FAILURES:
        print("FAILED:", failure)
    return 1 if FAILURES else 0


if __name__ == "__main__":
    sys.exit(main())
