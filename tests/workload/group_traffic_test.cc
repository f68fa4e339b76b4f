#include "mailsim/workload/group_traffic.h"

#include <chrono>
#include <cmath>
#include <map>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "mailsim/core/simulator.h"
#include "support/catch.h"

using mailsim::Duration;
using mailsim::Simulator;
using mailsim::Time;
using namespace mailsim::workload;

namespace {

struct Sent {
  Time at;
  std::string name;
  std::string sender;
  std::vector<std::string> recipients;
  std::int64_t size;
  bool operator==(const Sent&) const = default;
};

SenderGroup group(const std::string& name, double per_hour) {
  SenderGroup g;
  g.name = name;
  g.origin = "mta";
  g.senders = AddressSet::parse({"s{1..100}@" + name + ".example"});
  g.rate_per_second = per_hour / 3600;
  g.recipients.population = AddressSet::parse({"r{1..1000}@dest.example"});
  g.recipients.zipf_exponent = 1.0;
  g.per_message = Quantity::empirical({1, 3}, {80, 20});
  g.size = Quantity::lognormal(10'000, 1.0);
  return g;
}

// A sink that prepares each arrival as a run does, after `prepare_also` (which runs on the
// making thread with kAhead), and keeps what was handed over by group.
GroupTraffic::SinkFor keep_in(std::map<std::string, std::vector<Sent>>& out, const Simulator& sim,
                              std::function<void(const std::string& name)> prepare_also = {}) {
  return [&out, &sim, prepare_also](const SenderGroup& g) {
    return GroupSink{[prepare_also](const ExplicitMessage& m, const std::string& name) {
                       if (prepare_also) prepare_also(name);
                       return prepare_submission(m, name, 0);
                     },
                     [&out, &sim, group = g.name](Submission&& s) {
                       out[group].push_back({sim.now(), s.message_id, s.envelope.mail_from,
                                             s.envelope.rcpt_to, s.message->size()});
                     }};
  };
}

// Runs the groups for `hours` and returns each group's messages.
std::map<std::string, std::vector<Sent>> run(const std::vector<SenderGroup>& groups,
                                             std::uint64_t seed, int hours,
                                             Making making = Making::kInline) {
  Simulator sim;
  std::map<std::string, std::vector<Sent>> out;
  const GroupTraffic traffic(sim, groups, {seed, 0}, Duration{}, keep_in(out, sim), making);
  sim.run_until(Time::zero() + Duration::hours(hours));
  return out;
}

}  // namespace

TEST_CASE("a group's messages are the same for the same seed and differ for another") {
  const std::vector groups{group("staff", 60)};
  const auto a = run(groups, 7, 48);
  CHECK(a == run(groups, 7, 48));
  CHECK(a.at("staff") != run(groups, 8, 48).at("staff"));
  CHECK(a.at("staff").size() > 2000);  // 2880 expected
  CHECK(a.at("staff")[0].name == "staff.1");
}

TEST_CASE("adding a group changes no other group's messages") {
  const auto alone = run({group("staff", 60)}, 7, 48);
  const auto with_other = run({group("students", 300), group("staff", 60)}, 7, 48);
  CHECK(with_other.at("staff") == alone.at("staff"));
  CHECK(with_other.at("students").size() > 10'000);
}

TEST_CASE("arrivals made ahead on their own thread are the ones made inline, in order") {
  // Rates a thousandfold apart: the busy group runs through its ring many times while the
  // quiet ones hold theirs.
  const std::vector groups{group("busy", 100'000), group("quiet", 100), group("rare", 3)};
  const auto inline_made = run(groups, 5, 24);
  CHECK(inline_made.at("busy").size() > 2'000'000);  // 2.4 million expected
  CHECK(run(groups, 5, 24, Making::kAhead) == inline_made);
}

TEST_CASE("a simulation faster than the making thread waits for each arrival and loses none") {
  // Each arrival takes the maker 20 us to prepare, far longer than the simulation takes
  // to hand it over: the simulation thread catches up with the maker and waits, often.
  const std::vector groups{group("slow", 3600), group("other", 360)};
  std::map<std::string, std::vector<Sent>> ahead;
  {
    Simulator sim;
    const GroupTraffic traffic(sim, groups, {9, 0}, Duration{},
                               keep_in(ahead, sim,
                                       [](const std::string&) {
                                         const auto until = std::chrono::steady_clock::now() +
                                                            std::chrono::microseconds(20);
                                         while (std::chrono::steady_clock::now() < until) {
                                         }
                                       }),
                               Making::kAhead);
    sim.run_until(Time::zero() + Duration::hours(10));
  }
  CHECK(ahead == run(groups, 9, 10));
}

TEST_CASE("an error in making an arrival comes out of the simulator's run, made inline or ahead") {
  const Making making = GENERATE(Making::kInline, Making::kAhead);
  Simulator sim;
  std::map<std::string, std::vector<Sent>> out;
  const std::vector groups{group("staff", 3600)};
  const GroupTraffic traffic(sim, groups, {1, 0}, Duration{},
                             keep_in(out, sim,
                                     [](const std::string& name) {
                                       if (name == "staff.50") throw std::runtime_error("no 50");
                                     }),
                             making);
  CHECK_THROWS_WITH(sim.run_until(Time::zero() + Duration::hours(1)), "no 50");
  CHECK(out.at("staff").size() == 49);
}

TEST_CASE("arrivals are made a bounded number ahead: one pending event per group") {
  // A million messages a day: the simulator holds one event for the group, not a million.
  const Making making = GENERATE(Making::kInline, Making::kAhead);
  Simulator sim;
  std::map<std::string, std::vector<Sent>> out;
  const std::vector groups{group("big", 1e6 / 24)};
  const GroupTraffic traffic(sim, groups, {1, 0}, Duration{}, keep_in(out, sim), making);
  CHECK(sim.pending() == 1);
  sim.run_until(Time::zero() + Duration::minutes(10));
  CHECK(out.at("big").size() > 6000);  // about 6944
  CHECK(sim.pending() == 1);
}

TEST_CASE("a group's recipients are distinct, from its population, as many as drawn") {
  const auto sent = run({group("staff", 600)}, 3, 10).at("staff");
  double threes = 0;
  for (const Sent& s : sent) {
    REQUIRE((s.recipients.size() == 1 || s.recipients.size() == 3));
    threes += s.recipients.size() == 3 ? 1 : 0;
    const std::set<std::string> unique(s.recipients.begin(), s.recipients.end());
    REQUIRE(unique.size() == s.recipients.size());
    for (const auto& r : s.recipients) REQUIRE(r.ends_with("@dest.example"));
  }
  // 20% of about 6000 messages have three recipients: binomial, within 5 sigma.
  const double n = static_cast<double>(sent.size());
  CHECK(std::abs(threes - 0.2 * n) <= 5 * std::sqrt(n * 0.2 * 0.8));
}

TEST_CASE("a group sends nothing outside its start and end") {
  SenderGroup g = group("window", 600);
  g.start = Time::zero() + Duration::hours(2);
  g.end = Time::zero() + Duration::hours(3);
  const auto sent = run({g}, 1, 10, GENERATE(Making::kInline, Making::kAhead)).at("window");
  CHECK(sent.size() > 400);  // 600 expected
  for (const Sent& s : sent) {
    REQUIRE(s.at >= g.start);
    REQUIRE(s.at < *g.end);
  }
}
