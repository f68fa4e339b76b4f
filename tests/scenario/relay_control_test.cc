// Relay control and submission (../shared/reference/mta-behaviour.md §4, RFC 5321 and
// RFC 6409): an outside client that has not authenticated may not relay through any MTA
// (554 5.7.1 Relay access denied), except one a scenario declares an open relay; on the
// submission port MAIL needs AUTH first (530 5.7.0). Tried on every shipped scenario.
#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "mailsim/scenario/config.h"
#include "mailsim/scenario/world.h"
#include "scenario/scenario_file.h"
#include "scenario/smtp_probe.h"
#include "support/catch.h"

using namespace mailsim;

namespace {

const std::string kProber = "relay-prober";
const std::string kVictim = "victim@relay-test.invalid";

// The scenario with one more host, the outside client, linked to every MTA's host. Its
// workload and faults do not run: every MTA is up and idle.
scenario::World world_with_prober(scenario::ScenarioConfig c) {
  c.hosts.push_back({kProber, false});
  for (const scenario::MtaEntry& e : c.mtas) {
    c.links.push_back(
        {kProber, e.host, DataRate::bits_per_second(10'000'000), Duration::milliseconds(10)});
  }
  return scenario::World(std::move(c));
}

smtp::Envelope relay_attempt() { return smtp::Envelope{"probe@relay-test.invalid", {kVictim}}; }

std::vector<std::string> shipped_scenarios() {
  std::vector<std::string> out;
  for (const auto& entry : std::filesystem::directory_iterator(MAILSIM_SOURCE_DIR "/scenarios")) {
    if (entry.path().extension() == ".yaml") out.push_back(entry.path().string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

// Tries to relay through every MTA of `c` on port 25, and to submit without AUTH on port
// 587 where the MTA offers submission.
void check_relay_control(const scenario::ScenarioConfig& c) {
  scenario::World world = world_with_prober(c);
  for (const auto& m : world.mtas()) m->start();
  for (const scenario::MtaEntry& e : c.mtas) {
    INFO("MTA " << e.mta.name);
    const ProbeResult r =
        probe(world, kProber, e.host, e.mta.port, {"prober.invalid", {}}, relay_attempt());
    REQUIRE(r.connected);
    REQUIRE(r.result.recipients.size() == 1);
    const smtp::RecipientResult& rcpt = r.result.recipients[0];
    if (e.mta.receive.open_relay) {
      CHECK(r.result.message_sent);  // declared: `mailsim validate` warns about it
    } else {
      CHECK(rcpt.status == smtp::RecipientStatus::kRejected);
      const smtp::Reply& reply = r.result.reply_of(0);
      CHECK(reply.code == 554);
      CHECK(reply.enhanced == "5.7.1");
      CHECK(reply.text() == "5.7.1 <" + kVictim + ">: Relay access denied");
    }
    if (!e.mta.receive.submission) continue;
    const ProbeResult s =
        probe(world, kProber, e.host, 587, {"prober.invalid", {}}, relay_attempt());
    REQUIRE(s.connected);
    REQUIRE(s.result.recipients.size() == 1);
    CHECK(s.result.reply_of(0).code == 530);
    CHECK(s.result.reply_of(0).text() == "5.7.0 Authentication required");
  }
}

}  // namespace

TEST_CASE("no shipped scenario has an MTA that relays for an unauthenticated outsider") {
  const std::vector<std::string> files = shipped_scenarios();
  REQUIRE(!files.empty());
  for (const std::string& file : files) {
    INFO(file);
    check_relay_control(scenario::load_scenario(file));
  }
}

namespace {

// m1 is closed, m2 declared an open relay, m3 an MSA with submission and AUTH.
const char* kThreeMtas = R"(
name: relays
hosts: [{name: h1}, {name: h2}, {name: h3}]
mtas:
  - {name: m1, host: h1, hostname: m1.example, relay_domains: [partner.example]}
  - {name: m2, host: h2, hostname: m2.example, receive: {open_relay: true}}
  - {name: m3, host: h3, hostname: m3.example, auth_users: {alice: secret},
     receive: {submission: true}}
)";

}  // namespace

TEST_CASE("the relay probe finds a declared open relay and accepts nothing else") {
  const ScenarioFile f(kThreeMtas);
  // The same checks as for the shipped scenarios: m2 relays (it says so), m1 and m3 refuse,
  // m3's submission port wants AUTH.
  check_relay_control(scenario::load_scenario(f.path()));
}

TEST_CASE("an authenticated client submits on port 587 and may relay anywhere") {
  const ScenarioFile f(kThreeMtas);
  scenario::World world = world_with_prober(scenario::load_scenario(f.path()));
  for (const auto& m : world.mtas()) m->start();
  const ProbeResult ok =
      probe(world, kProber, "h3", 587, {"laptop.invalid", smtp::Credentials{"alice", "secret"}},
            relay_attempt());
  CHECK(ok.result.message_sent);
  CHECK(ok.result.last_reply.code == 250);
  const ProbeResult wrong =
      probe(world, kProber, "h3", 587, {"laptop.invalid", smtp::Credentials{"alice", "guess"}},
            relay_attempt());
  CHECK_FALSE(wrong.result.message_sent);
  CHECK(wrong.result.reply_of(0).code == 535);
  // A relay domain is no relaying: m1 takes mail for partner.example from anyone.
  const ProbeResult partner =
      probe(world, kProber, "h1", 25, {"prober.invalid", {}},
            smtp::Envelope{"probe@relay-test.invalid", {"someone@partner.example"}});
  CHECK(partner.result.reply_of(0).code == 250);
}
