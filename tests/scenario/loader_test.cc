#include <map>
#include <string>
#include <variant>

#include "mailsim/core/error.h"
#include "mailsim/scenario/config.h"
#include "scenario/scenario_file.h"
#include "support/catch.h"

using mailsim::Duration;
using mailsim::InputError;
using mailsim::scenario::load_scenario;

TEST_CASE("the university scenario loads with its hosts, MTAs, traffic and fault") {
  const auto c = load_scenario(MAILSIM_SOURCE_DIR "/scenarios/university.yaml");
  CHECK(c.name == "university");
  CHECK(c.hosts.size() == 4);
  CHECK(c.links.size() == 3);
  REQUIRE(c.mtas.size() == 4);
  CHECK(c.mtas[1].mta.transport.at(".college.example.edu") == "mail.college.example.edu");
  CHECK(std::holds_alternative<mailsim::mta::PostfixRetry>(c.mtas[2].mta.retry));
  CHECK(c.links[2].bandwidth.bps() == 2'000'000);  // the slow department link
  CHECK(c.links[2].latency == Duration::milliseconds(15));
  CHECK(c.messages.size() == 1);
  CHECK(c.messages[0].size_bytes == 25 * 1024);
  REQUIRE(c.groups.size() == 1);
  CHECK(c.groups[0].rate_per_second * 86'400 == Approx(300));
  CHECK(c.groups[0].recipients.population.size() == 1 + 20 + 2 + 60);
  REQUIRE(c.outages.size() == 1);
  CHECK(c.outages[0].target == "department");
  CHECK(c.outages[0].duration == Duration::hours(3));
  CHECK(c.epoch_unix_seconds == 1793610000);  // 2026-11-02T09:00:00Z
}

TEST_CASE("an MTA's own setting wins over defaults") {
  const ScenarioFile f(R"(
name: d
defaults: {processing_delay: 1s, retry: {fixed: 1h}}
hosts: [{name: a}]
mtas: [{name: a, host: a, hostname: a.example, processing_delay: 2s}]
)");
  const auto c = load_scenario(f.path());
  CHECK(c.mtas[0].mta.processing_delay == Duration::seconds(2));
  const auto& law = std::get<mailsim::mta::CustomRetry>(c.mtas[0].mta.retry);
  CHECK(std::get<mailsim::mta::FixedGaps>(law.gaps).interval == Duration::hours(1));
}

TEST_CASE("slow start is on unless the scenario turns it off") {
  const ScenarioFile on(
      "name: n\nhosts: [{name: a}]\nmtas: [{name: a, host: a, hostname: a.example}]\n");
  CHECK(load_scenario(on.path()).tcp.slow_start);
  const ScenarioFile off(
      "name: n\nnetwork: {slow_start: false}\nhosts: [{name: a}]\n"
      "mtas: [{name: a, host: a, hostname: a.example}]\n");
  CHECK_FALSE(load_scenario(off.path()).tcp.slow_start);
}

TEST_CASE("errors name the file, line, column and key") {
  const ScenarioFile f(
      "name: e\nhosts: [{name: a}]\nmtas:\n  - {name: a, host: a, hostname: a.example}\nfaults:\n  "
      "- {type: host_dwn, target: a, start: 0s, duration: 1h}\n");
  try {
    load_scenario(f.path());
    FAIL("no error");
  } catch (const InputError& e) {
    CHECK(e.where().line == 6);
    CHECK(e.where().key == "faults[0].type");
    CHECK(e.problem() == "unknown fault type 'host_dwn'");
    CHECK(e.hint() == "use host_down, mta_down, link_down, dns_down or degraded_reply");
  }
}

namespace {

std::string load_error(const std::string& yaml) {
  const auto e = scenario_error(yaml);
  return e ? e->where().key + ": " + e->problem() : "no error";
}

const std::string kOneMta =
    "name: m\nhosts: [{name: a}]\nmtas:\n  - {name: a, host: a, hostname: a.example";

}  // namespace

TEST_CASE("hopcount_limit is 100 unless an MTA or defaults say otherwise") {
  const ScenarioFile f(
      "name: h\ndefaults: {hopcount_limit: 30}\nhosts: [{name: a}, {name: b}, {name: c}]\n"
      "mtas:\n  - {name: a, host: a, hostname: a.example}\n"
      "  - {name: b, host: b, hostname: b.example, hopcount_limit: 50}\n");
  const auto c = load_scenario(f.path());
  CHECK(c.mtas[0].mta.hopcount_limit == 30);
  CHECK(c.mtas[1].mta.hopcount_limit == 50);
  CHECK(mailsim::mta::MtaConfig{}.hopcount_limit == 100);
  CHECK(load_error(kOneMta + ", hopcount_limit: 1}\n").starts_with("mtas[0].hopcount_limit: "));
}

TEST_CASE("an MTA's AUTH users and the credentials its client sends") {
  const ScenarioFile f(kOneMta +
                       ", auth_users: {alice: secret, bob: hunter2},"
                       " client_auth: {user: relay, password: pw}}\n");
  const auto c = load_scenario(f.path());
  CHECK(c.mtas[0].mta.auth_users ==
        std::map<std::string, std::string>{{"alice", "secret"}, {"bob", "hunter2"}});
  REQUIRE(c.mtas[0].mta.client_auth);
  CHECK(c.mtas[0].mta.client_auth->user == "relay");
  CHECK(c.mtas[0].mta.client_auth->password == "pw");
  CHECK(load_error(kOneMta + ", client_auth: {user: relay}}\n") ==
        "mtas[0].client_auth: client_auth needs a user and a password");
}

TEST_CASE("a message's NOTIFY and RET") {
  const auto traffic = [](const std::string& keys) {
    return kOneMta +
           "}\ntraffic:\n  messages: [{at: 0s, origin: a, from: x@a.example, to: "
           "y@b.example" +
           keys + "}]\n";
  };
  const ScenarioFile f(traffic(", notify: [failure, delay], ret: hdrs"));
  const auto c = load_scenario(f.path());
  CHECK(c.messages[0].notify == (mailsim::smtp::kNotifyFailure | mailsim::smtp::kNotifyDelay));
  CHECK(c.messages[0].ret == mailsim::smtp::DsnReturn::kHeaders);
  const ScenarioFile never(traffic(", notify: never"));
  CHECK(load_scenario(never.path()).messages[0].notify == mailsim::smtp::kNotifyNever);
  CHECK(load_error(traffic(", notify: [never, failure]")) ==
        "traffic.messages[0].notify: never cannot be combined with other notify values");
  CHECK(load_error(traffic(", notify: sometimes")) ==
        "traffic.messages[0].notify: unknown notify value 'sometimes'");
  CHECK(load_error(traffic(", ret: body")) == "traffic.messages[0].ret: unknown ret value 'body'");
}
