// The receive: key and the degraded_reply fault as the loader reads them
// (scenarios/README.md, "Receiving" and "Degraded replies"), and the errors that point
// at the offending key.
#include <string>

#include "mailsim/core/error.h"
#include "mailsim/scenario/config.h"
#include "scenario/scenario_file.h"
#include "support/catch.h"

using mailsim::Duration;
using mailsim::InputError;
using mailsim::scenario::load_scenario;

namespace {

std::string one_mta(const std::string& receive, const std::string& more = "") {
  return "name: r\nhosts: [{name: a}]\nmtas:\n  - {name: a, host: a, hostname: a.example, "
         "receive: " +
         receive + more + "}\n";
}

mailsim::mta::ReceiveConfig receive_of(const std::string& yaml) {
  const ScenarioFile f(yaml);
  return load_scenario(f.path()).mtas.at(0).mta.receive;
}

// "line:column key: problem", or "" when the scenario loads.
std::string load_error(const std::string& yaml) {
  const auto e = scenario_error(yaml);
  return e ? std::to_string(e->where().line) + " " + e->where().key + ": " + e->problem() : "";
}

}  // namespace

TEST_CASE("greylisting by preset name, changed by key, or custom") {
  const auto postgrey = receive_of(one_mta("{greylisting: postgrey}")).greylist;
  CHECK(postgrey.enabled);
  CHECK(postgrey.delay == Duration::seconds(300));
  CHECK(postgrey.prefix_bits == 24);
  const auto milter =
      receive_of(one_mta("{greylisting: {preset: milter-greylist, delay: 10m}}")).greylist;
  CHECK(milter.delay == Duration::minutes(10));
  CHECK(milter.code == 451);
  CHECK(milter.pass_lifetime == Duration::hours(24));
  const auto custom =
      receive_of(one_mta("{greylisting: {delay: 20m, reply: \"451 4.7.1 Later, {rcpt}\"}}"))
          .greylist;
  CHECK(custom.preset == "custom");
  CHECK(custom.delay == Duration::minutes(20));
  CHECK(custom.retry_window == Duration::days(2));  // postgrey's, not given
  CHECK(custom.code == 451);
  CHECK(custom.enhanced == "4.7.1");
  CHECK(custom.text == "Later, {rcpt}");
}

TEST_CASE("an MTA's receive keys change what defaults gave") {
  const auto r = receive_of(
      "name: r\ndefaults: {receive: {greylisting: postgrey, max_recipients: 50}}\n"
      "hosts: [{name: a}]\nmtas:\n  - {name: a, host: a, hostname: a.example, "
      "receive: {greylisting: {delay: 1m}, content_filter: {per_kib: 5ms}}}\n");
  CHECK(r.greylist.preset == "postgrey");
  CHECK(r.greylist.delay == Duration::minutes(1));
  CHECK(r.max_recipients == 50);
  CHECK(r.filter_per_kib == Duration::milliseconds(5));
  CHECK(r.max_connections_per_client == 50);  // Postfix's default
}

TEST_CASE("bad receive settings name their line and key") {
  CHECK(load_error(one_mta("{greylisting: {delay: 5 minutes}}")) ==
        "4 mtas[0].receive.greylisting.delay: unknown unit 'minutes' in duration '5 minutes'");
  CHECK(load_error(one_mta("{greylisting: {delay: -5m}}")) ==
        "4 mtas[0].receive.greylisting.delay: duration '-5m' is negative");
  CHECK(load_error(one_mta("{greylisting: postgray}")) ==
        "4 mtas[0].receive.greylisting: unknown greylisting preset 'postgray'");
  CHECK(load_error(one_mta("{greylisting: {delay: 3d}}")) ==
        "4 mtas[0].receive.greylisting: the retry window 2d is shorter than the delay 3d");
  CHECK(load_error(one_mta("{greylisting: {reply: \"250 Ok\"}}")) ==
        "4 mtas[0].receive.greylisting.reply: '250 Ok' does not start with a 4xx or 5xx reply "
        "code");
  CHECK(load_error(one_mta("{max_recipients: 0}")) ==
        "4 mtas[0].receive.max_recipients: '0' is out of range");
  CHECK(load_error(one_mta("{max_connections_per_client: -1}")) ==
        "4 mtas[0].receive.max_connections_per_client: '-1' is out of range");
  CHECK(load_error(one_mta("{submission: true}")) ==
        "4 mtas[0].receive.submission: submission requires AUTH, but this MTA has no "
        "auth_users");
  CHECK(load_error(one_mta("{submission: true}", ", auth_users: {alice: secret}")).empty());
}

TEST_CASE("a degraded_reply fault: its reply in the MTA's configuration, its windows a fault") {
  const ScenarioFile f(one_mta("{}") +
                       "faults:\n  - {type: degraded_reply, target: a, command: rcpt, reply: \"451 "
                       "4.3.0 Temporary lookup failure\", start: 1h, duration: 2h}\n"
                       "  - {type: degraded_reply, target: a, command: mail, reply: \"421 4.3.2 "
                       "Busy\", start: 1h, duration: 10m, every: 1d, count: 3}\n");
  const auto c = load_scenario(f.path());
  const auto& r = c.mtas[0].mta.receive;
  REQUIRE(r.degraded.size() == 2);
  CHECK(r.degraded[0].stage == mailsim::mta::SmtpStage::kRcpt);
  CHECK(r.degraded[0].reply.wire() == "451 4.3.0 Temporary lookup failure\r\n");
  CHECK(r.degraded[1].stage == mailsim::mta::SmtpStage::kMail);
  REQUIRE(c.outages.size() == 2);
  for (std::size_t i = 0; i < 2; ++i) {
    CHECK(c.outages[i].kind == mailsim::faults::OutageKind::kDegradedReply);
    CHECK(c.outages[i].target == "a");
    CHECK(c.outages[i].degraded_reply == i);
    CHECK(c.outages[i].start.since_start() == Duration::hours(1));
  }
  CHECK(c.outages[0].duration == Duration::hours(2));
  CHECK(c.outages[0].count == 1);
  CHECK(c.outages[1].duration == Duration::minutes(10));
  CHECK(c.outages[1].every == Duration::days(1));
  CHECK(c.outages[1].count == 3);
}

TEST_CASE("a degraded_reply fault may be random, and takes the other faults' timing checks") {
  const std::string head = one_mta("{}") +
                           "faults:\n  - {type: degraded_reply, target: a, command: rcpt, "
                           "reply: \"451 4.3.0 x\", ";
  const ScenarioFile f(head + "mtbf: 2d, mttr: 1h}\n");
  const auto c = load_scenario(f.path());
  REQUIRE(c.outages.size() == 1);
  CHECK(c.outages[0].mtbf == Duration::days(2));
  CHECK(c.outages[0].mttr == Duration::hours(1));
  CHECK(c.outages[0].count == mailsim::faults::kUntilEnd);
  CHECK(load_error(head + "mtbf: 2d}\n") == "6 faults[0]: a random fault needs both mtbf and mttr");
  CHECK(load_error(head + "start: 0s, duration: 2h, every: 1h}\n") ==
        "6 faults[0].duration: a repeating fault's duration 2h must be shorter than its period 1h");
  CHECK(load_error(head + "start: 0s}\n") ==
        "6 faults[0]: a fault needs start and duration (or mtbf and mttr)");
  CHECK(load_error(head + "start: 0s, duration: 1h, between: [a, a]}\n")
            .starts_with("6 faults[0].between: unknown key 'between'"));
}

TEST_CASE("a bad degraded_reply fault names its line and key") {
  const std::string head = one_mta("{}") + "faults:\n  - {type: degraded_reply, target: ";
  CHECK(load_error(head + "b, command: rcpt, reply: \"451 x\", start: 0s, duration: 1h}\n") ==
        "6 faults[0].target: no MTA named 'b'");
  CHECK(load_error(head + "a, command: rctp, reply: \"451 x\", start: 0s, duration: 1h}\n") ==
        "6 faults[0].command: unknown command 'rctp'");
  CHECK(load_error(head + "a, command: rcpt, reply: \"451 5.1.1 x\", start: 0s, duration: 1h}\n") ==
        "6 faults[0].reply: the enhanced code 5.1.1 does not match the reply code 451");
  CHECK(load_error(head + "a, command: rcpt, start: 0s, duration: 1h}\n") ==
        "6 faults[0]: a degraded_reply fault needs reply");
}
