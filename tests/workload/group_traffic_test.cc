#include "mailsim/workload/group_traffic.h"

#include <atomic>
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
// arrivals' own thread with ArrivalThread::kOwn), and keeps what was handed over, by group.
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
                                             ArrivalThread arrivals = ArrivalThread::kSimulation) {
  Simulator sim;
  std::map<std::string, std::vector<Sent>> out;
  const GroupTraffic traffic(sim, groups, {seed, 0}, Duration{}, keep_in(out, sim), arrivals);
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
  CHECK(run(groups, 5, 24, ArrivalThread::kOwn) == inline_made);
}

TEST_CASE("a simulation faster than the arrivals' thread waits for each arrival and loses none") {
  // Each arrival takes 20 us to prepare, far longer than the simulation takes to hand it
  // over: the simulation thread catches up with the arrivals' thread and waits for it.
  const std::vector groups{group("slow", 3600), group("other", 360)};
  std::map<std::string, std::vector<Sent>> ahead;
  {
    Simulator sim;
    const auto slowly = [](const std::string&) {
      const auto until = std::chrono::steady_clock::now() + std::chrono::microseconds(20);
      while (std::chrono::steady_clock::now() < until) {
      }
    };
    const GroupTraffic traffic(sim, groups, {9, 0}, Duration{}, keep_in(ahead, sim, slowly),
                               ArrivalThread::kOwn);
    sim.run_until(Time::zero() + Duration::hours(10));
  }
  CHECK(ahead == run(groups, 9, 10));
}

TEST_CASE("an error in making an arrival comes out of the run where it would inline") {
  const ArrivalThread arrivals = GENERATE(ArrivalThread::kSimulation, ArrivalThread::kOwn);
  Simulator sim;
  std::map<std::string, std::vector<Sent>> out;
  const std::vector groups{group("staff", 3600)};
  const auto fail_at_50 = [](const std::string& name) {
    if (name == "staff.50") throw std::runtime_error("no 50");
  };
  const GroupTraffic traffic(sim, groups, {1, 0}, Duration{}, keep_in(out, sim, fail_at_50),
                             arrivals);
  // Out of the 49th arrival's event, the one that would make the 50th inline.
  CHECK_THROWS_WITH(sim.run_until(Time::zero() + Duration::hours(1)), "no 50");
  CHECK(out.at("staff").size() == 49);
  CHECK(sim.now() == out.at("staff").back().at);
}

TEST_CASE("an error in a group's first arrival leaves nothing scheduled") {
  const ArrivalThread arrivals = GENERATE(ArrivalThread::kSimulation, ArrivalThread::kOwn);
  Simulator sim;
  std::map<std::string, std::vector<Sent>> out;
  const std::vector groups{group("first", 3600), group("second", 3600)};
  const auto fail_second = [](const std::string& name) {
    if (name == "second.1") throw std::runtime_error("no second");
  };
  CHECK_THROWS_WITH(
      GroupTraffic(sim, groups, {1, 0}, Duration{}, keep_in(out, sim, fail_second), arrivals),
      "no second");
  CHECK(sim.pending() == 0);  // the first group's arrival is not left behind
  sim.run_until(Time::zero() + Duration::hours(1));
  CHECK(out.empty());
}

TEST_CASE("arrivals are made a bounded number ahead: one pending event per group") {
  // A million messages a day: the simulator holds one event for the group, not a million,
  // and a lone group's thread makes at most 1,024 more than were handed over.
  const ArrivalThread arrivals = GENERATE(ArrivalThread::kSimulation, ArrivalThread::kOwn);
  std::map<std::string, std::vector<Sent>> out;
  std::atomic<std::size_t> prepared = 0;
  {
    Simulator sim;
    const std::vector groups{group("big", 1e6 / 24)};
    const GroupTraffic traffic(sim, groups, {1, 0}, Duration{},
                               keep_in(out, sim, [&](const std::string&) { ++prepared; }),
                               arrivals);
    CHECK(sim.pending() == 1);
    sim.run_until(Time::zero() + Duration::minutes(10));
    CHECK(out.at("big").size() > 6000);  // about 6944
    CHECK(sim.pending() == 1);
  }  // the arrivals' thread has stopped
  const std::size_t ahead = arrivals == ArrivalThread::kOwn ? 1024 : 1;
  CHECK(prepared.load() <= out.at("big").size() + ahead);
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
  const auto sent =
      run({g}, 1, 10, GENERATE(ArrivalThread::kSimulation, ArrivalThread::kOwn)).at("window");
  CHECK(sent.size() > 400);  // 600 expected
  for (const Sent& s : sent) {
    REQUIRE(s.at >= g.start);
    REQUIRE(s.at < *g.end);
  }
}
