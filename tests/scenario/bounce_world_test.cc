// Bounces and delay warnings through the World with real MTAs: RFC 3464 reports sent from
// the null sender, routed back to the sender like any other mail, never bounced
// themselves (DESIGN "One message's path"; reference §1 for each preset's give-up time).
#include <algorithm>
#include <string>
#include <vector>

#include "mailsim/smtp/headers.h"
#include "scenario/of_message.h"
#include "scenario/recorded_run.h"
#include "support/catch.h"

using mailsim::Duration;
using mailsim::Time;
using namespace mailsim::mta;
namespace smtp = mailsim::smtp;

namespace {

// The sender's server a (a.example, mailbox x) and the recipient's server b (b.example,
// mailbox bob), 10 ms apart, each domain's MX pointing at its server. x@a.example sends
// one 4 KiB message to `to` at 0 from a; `message` adds keys to it.
std::string two_domains(const std::string& to, const std::string& retry = "postfix",
                        const std::string& faults = "[]", const std::string& message = "",
                        const std::string& sender = "x@a.example") {
  return R"(
name: bounces
hosts: [{name: a}, {name: b}]
links: [{between: [a, b], bandwidth: 10Mbps, latency: 10ms}]
dns:
  mx: {a.example: "10 mail.a.example", b.example: "10 mail.b.example"}
defaults:
  retry: )" +
         retry + R"(
  timeouts: {connect: 30s}
mtas:
  - {name: a, host: a, hostname: mail.a.example, local_domains: [a.example], mailboxes: [x]}
  - {name: b, host: b, hostname: mail.b.example, local_domains: [b.example], mailboxes: [bob]}
traffic:
  messages: [{at: 0s, origin: a, from: )" +
         sender + ", to: " + to + ", size: 4KiB" + message + R"(}]
faults: )" +
         faults + "\n";
}

Time at_s(std::int64_t s) { return Time::zero() + Duration::seconds(s); }

// The one final event of message `msg` (REQUIRE: exactly one).
KeptFinal final_of(const RecordedRun& r, MessageNumber msg) {
  const std::vector<KeptFinal> finals = of_message(r.finals, msg);
  REQUIRE(finals.size() == 1);
  return finals[0];
}

}  // namespace

TEST_CASE("a message to an unknown user comes back to its sender's mailbox as a bounce") {
  // b refuses RCPT with 550 5.1.1; a, the MTA that got the refusal, bounces the message
  // when that attempt ends and delivers the bounce to x's mailbox at once.
  const RecordedRun r = record_run(two_domains("nobody@b.example"), Duration::days(1));
  const KeptFinal original = final_of(r, 1);
  CHECK(original.status == FinalStatus::kBounced);
  CHECK(original.node == "a");
  CHECK(original.code == 550);
  REQUIRE(r.created.size() == 2);
  const MessageCreated& bounce = r.created[1];
  CHECK(bounce.kind == MessageKind::kBounce);
  CHECK(bounce.about == 1);
  CHECK(bounce.sender.empty());
  CHECK(bounce.recipients == std::vector<std::string>{"x@a.example"});
  CHECK(bounce.origin == "a");
  REQUIRE(r.attempts.size() == 1);
  CHECK(bounce.at == r.attempts[0].ended);
  const KeptFinal returned = final_of(r, 2);
  CHECK(returned.status == FinalStatus::kDelivered);
  CHECK(returned.node == "a");
  CHECK(returned.at == bounce.at);
}

TEST_CASE("a bounce is a delivery status report from MAILER-DAEMON with the null Return-Path") {
  const RecordedRun r = record_run(two_domains("nobody@b.example"), Duration::days(1));
  const auto& inbox = r.mailboxes.at("a").at("x");
  REQUIRE(inbox.size() == 1);
  const std::string& header = inbox[0];
  CHECK(header.starts_with("Return-Path: <>\r\n"));
  CHECK(smtp::header_value(header, "From") ==
        "Mail Delivery System <MAILER-DAEMON@mail.a.example>");
  CHECK(smtp::header_value(header, "To") == "x@a.example");
  CHECK(smtp::header_value(header, "Subject") == "Undelivered Mail Returned to Sender");
  CHECK(smtp::header_value(header, "Auto-Submitted") == "auto-replied");
  CHECK(smtp::header_value(header, "Content-Type")
            ->starts_with("multipart/report; report-type=delivery-status;"));
}

TEST_CASE("each preset bounces mail for a host down six days at its own give-up time") {
  // b's host is down for 6 d; every attempt times out 30 s after it starts. The times are
  // those tests/mta/retry_*_test.cc derive from reference §1, with 30 s attempts:
  //   postfix: attempts at 0, 600, 1500, 3300, 6900, then every 4200 s (4000 s rounded up
  //     to the 300 s scans); the attempt at 435300 s is the first to end (435330 s) at or
  //     past arrival + 5 d. No warning.
  //   exim: the 6 h rule, then the message is older than 4 d after the first failure (30 s):
  //     the queue run at 347400 s forces one attempt, whose failure at 347430 s times it
  //     out. A warning every 24 h, noticed at the failures at 86430, 180030 and 273630 s.
  //   sendmail: every 30 min run; the run at 432000 s ends at 432030 s, past 5 d. One
  //     warning, at the failure at 14430 s (4 h).
  //   opensmtpd: expires at exactly 4 d = 345600 s, between attempts. One warning at 14430 s.
  //   rfc5321: 30 min, then 2 h after each failure: fails at 30, 1860, 9090, ... 1860 +
  //     7230 k; k = 60 gives 435660 s, past 5 d. No warning.
  struct Preset {
    const char* name;
    std::int64_t gives_up;
    std::vector<std::int64_t> warnings;
  };
  const Preset presets[] = {{"postfix", 435330, {}},
                            {"exim", 347430, {86430, 180030, 273630}},
                            {"sendmail", 432030, {14430}},
                            {"opensmtpd", 345600, {14430}},
                            {"rfc5321", 435660, {}}};
  for (const Preset& p : presets) {
    INFO(p.name);
    const RecordedRun r =
        record_run(two_domains("bob@b.example", p.name,
                               "[{type: host_down, target: b, start: 0s, duration: 6d}]"),
                   Duration::days(8));
    const KeptFinal original = final_of(r, 1);
    CHECK(original.status == FinalStatus::kExpired);
    CHECK(original.node == "a");
    CHECK(original.at == at_s(p.gives_up));
    std::vector<std::int64_t> warned;
    for (const MessageCreated& w : r.of_kind(MessageKind::kWarning)) {
      warned.push_back(w.at.ns() / 1'000'000'000);
      CHECK(final_of(r, w.msg).at == w.at);  // into x's mailbox at once
    }
    CHECK(warned == p.warnings);
    const std::vector<MessageCreated> bounces = r.of_kind(MessageKind::kBounce);
    REQUIRE(bounces.size() == 1);
    CHECK(bounces[0].at == at_s(p.gives_up));
    const KeptFinal returned = final_of(r, bounces[0].msg);
    CHECK(returned.status == FinalStatus::kDelivered);
    CHECK(returned.at == at_s(p.gives_up));
    CHECK(r.mailboxes.at("a").at("x").size() == p.warnings.size() + 1);
  }
}

TEST_CASE("qmail keeps mail for a host down six days and delivers it") {
  // qmail gives up only after 7 d. Its attempts fall at 400 k^2 s; the 37th, at 400 * 36^2
  // = 518400 s, is the very time the host comes back. The outage's end was scheduled
  // first, so the attempt finds the host up (equal times run in scheduling order).
  const RecordedRun r =
      record_run(two_domains("bob@b.example", "qmail",
                             "[{type: host_down, target: b, start: 0s, duration: 6d}]"),
                 Duration::days(8));
  const KeptFinal original = final_of(r, 1);
  CHECK(original.status == FinalStatus::kDelivered);
  CHECK(original.at > at_s(518400));
  CHECK(original.at < at_s(518401));
  CHECK(r.created.size() == 1);  // no warning, no bounce
}

TEST_CASE("a delay warning is a message to the sender, and NOTIFY can decline it") {
  // Postfix with delay_warning 1h, b down 3 h: the failure at 6930 s notices the warning
  // (retry_world_test.cc derives it); the message itself gets through at 11100 s.
  const std::string retry = "{preset: postfix, delay_warning: 1h}";
  const std::string faults = "[{type: host_down, target: b, start: 0s, duration: 3h}]";
  const RecordedRun warned =
      record_run(two_domains("bob@b.example", retry, faults), Duration::days(1));
  const std::vector<MessageCreated> warnings = warned.of_kind(MessageKind::kWarning);
  REQUIRE(warnings.size() == 1);
  CHECK(warnings[0].at == at_s(6930));
  CHECK(warnings[0].about == 1);
  const auto& inbox = warned.mailboxes.at("a").at("x");
  REQUIRE(inbox.size() == 1);
  CHECK(smtp::header_value(inbox[0], "Subject") == "Delayed Mail (still being retried)");
  CHECK(final_of(warned, 1).status == FinalStatus::kDelivered);

  const RecordedRun declined = record_run(
      two_domains("bob@b.example", retry, faults, ", notify: failure"), Duration::days(1));
  CHECK(declined.of_kind(MessageKind::kWarning).empty());
  CHECK(final_of(declined, 1).status == FinalStatus::kDelivered);
}

TEST_CASE("NOTIFY=NEVER travels with the message: the relay that gets the 550 stays silent") {
  // a relays through r; r gets b's 550 for the unknown user. With NOTIFY=NEVER (passed on
  // by a in RCPT TO) r bounces nothing; without it r bounces to x@a.example.
  const std::string relay = ", relay_domains: [b.example]";
  const RecordedRun never = record_run(
      through_relay("", relay, "nobody@b.example", ", notify: never"), Duration::days(1));
  CHECK(final_of(never, 1).status == FinalStatus::kBounced);
  CHECK(final_of(never, 1).node == "r");
  CHECK(never.created.size() == 1);
  const bool passed_on =
      std::any_of(never.attempts.begin(), never.attempts.end(), [](const AttemptFinished& a) {
        return a.from_node == "r" &&
               std::any_of(a.transcript.begin(), a.transcript.end(), [](const TranscriptEntry& t) {
                 return t.line == "RCPT TO:<nobody@b.example> NOTIFY=NEVER";
               });
      });
  CHECK(passed_on);

  const RecordedRun told =
      record_run(through_relay("", relay, "nobody@b.example"), Duration::days(1));
  const std::vector<MessageCreated> bounces = told.of_kind(MessageKind::kBounce);
  REQUIRE(bounces.size() == 1);
  CHECK(bounces[0].origin == "r");
  CHECK(final_of(told, bounces[0].msg).status == FinalStatus::kDelivered);
  CHECK(final_of(told, bounces[0].msg).node == "a");
}

TEST_CASE("a bounce to a sender whose domain does not exist is dropped, not bounced") {
  // The bounce finds no MX or address for nowhere.example: it fails for good (550 5.4.4)
  // at once, and a bounce is never bounced: two messages in all.
  const RecordedRun r = record_run(
      two_domains("nobody@b.example", "postfix", "[]", "", "x@nowhere.example"), Duration::days(1));
  REQUIRE(r.created.size() == 2);
  CHECK(r.created[1].kind == MessageKind::kBounce);
  const KeptFinal dropped = final_of(r, 2);
  CHECK(dropped.status == FinalStatus::kBounced);
  CHECK(dropped.code == 550);
  CHECK(dropped.reply.starts_with("5.4.4"));
}

TEST_CASE("a bounce to an unreachable sender expires and is dropped without a bounce loop") {
  // x@s.example's own server s is down for good; its mail left through a. The bounce a
  // sends at 0.1 s waits for s like any message and expires after Postfix's 5 d: its
  // attempts time out after 30 s, and the one at 435300 s ends past arrival + 5 d.
  const std::string yaml = R"(
name: unreachable
hosts: [{name: a}, {name: b}, {name: s}]
links:
  - {between: [a, b], bandwidth: 10Mbps, latency: 10ms}
  - {between: [a, s], bandwidth: 10Mbps, latency: 10ms}
dns:
  mx: {b.example: "10 mail.b.example", s.example: "10 mail.s.example"}
defaults:
  timeouts: {connect: 30s}
mtas:
  - {name: a, host: a, hostname: mail.a.example}
  - {name: b, host: b, hostname: mail.b.example, local_domains: [b.example], mailboxes: [bob]}
  - {name: s, host: s, hostname: mail.s.example, local_domains: [s.example], mailboxes: [x]}
traffic:
  messages: [{at: 0s, origin: a, from: x@s.example, to: nobody@b.example}]
faults: [{type: host_down, target: s, start: 0s, duration: 30d}]
)";
  const RecordedRun r = record_run(yaml, Duration::days(8));
  REQUIRE(r.created.size() == 2);
  const KeptFinal dropped = final_of(r, 2);
  CHECK(dropped.status == FinalStatus::kExpired);
  CHECK(dropped.node == "a");
  CHECK(dropped.at == at_s(435330));
}
