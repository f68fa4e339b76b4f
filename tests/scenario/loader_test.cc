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
  CHECK(c.messages.size() == 1);
  CHECK(c.messages[0].size_bytes == 25 * 1024);
  REQUIRE(c.outages.size() == 1);
  CHECK(c.outages[0].duration == Duration::hours(2));
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
    CHECK(e.hint() == "use host_down, mta_down or link_down");
  }
}
