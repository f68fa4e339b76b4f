#include "mailsim/workload/traffic.h"

#include <cmath>
#include <map>
#include <set>
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

// Runs the groups for `hours` and returns each group's messages.
std::map<std::string, std::vector<Sent>> run(const std::vector<SenderGroup>& groups,
                                             std::uint64_t seed, int hours) {
  Simulator sim;
  std::map<std::string, std::vector<Sent>> out;
  for (const auto& g : groups) {
    schedule_group(sim, g, {seed, 0}, Duration{},
                   [&](const ExplicitMessage& m, const std::string& name) {
                     out[name.substr(0, name.find('.'))].push_back(
                         {sim.now(), name, m.sender, m.recipients, m.size_bytes});
                   });
  }
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

TEST_CASE("arrivals are made one at a time: one pending event per group") {
  // A million messages a day: the simulator holds one event for the group, not a million.
  Simulator sim;
  double sent = 0;
  const SenderGroup big = group("big", 1e6 / 24);
  schedule_group(sim, big, {1, 0}, Duration{},
                 [&](const ExplicitMessage&, const std::string&) { ++sent; });
  CHECK(sim.pending() == 1);
  sim.run_until(Time::zero() + Duration::minutes(10));
  CHECK(sent > 6000);  // about 6944
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
  const auto sent = run({g}, 1, 10).at("window");
  CHECK(sent.size() > 400);  // 600 expected
  for (const Sent& s : sent) {
    REQUIRE(s.at >= g.start);
    REQUIRE(s.at < *g.end);
  }
}

TEST_CASE("a burst sends its count of list members in order, per_message to a message") {
  Burst b;
  b.name = "news";
  b.at = Time::zero() + Duration::hours(9);
  b.origin = "lists";
  b.sender = "news@lists.example";
  b.recipients = AddressSet::parse({"m{1..100}@example.edu"});
  b.count = 10;
  b.per_message = 3;
  Simulator sim;
  std::vector<Sent> sent;
  schedule_burst(sim, b, {1, 0}, [&](const ExplicitMessage& m, const std::string& name) {
    sent.push_back({sim.now(), name, m.sender, m.recipients, m.size_bytes});
  });
  sim.run();
  // Ten members, three to a message: 3 + 3 + 3 + 1, all at 9 h.
  REQUIRE(sent.size() == 4);
  CHECK(sent[0].recipients ==
        std::vector<std::string>{"m1@example.edu", "m2@example.edu", "m3@example.edu"});
  CHECK(sent[3].recipients == std::vector<std::string>{"m10@example.edu"});
  CHECK(sent[3].name == "news.4");
  for (const Sent& s : sent) CHECK(s.at == b.at);
}

TEST_CASE("the expected count integrates the profile over the window") {
  // Mean 24/h, profile all zero but hours 0 and 12 (equal): each of those hours sends
  // 24 * 24 / 2 = 288. From 00:00 to 13:30 one whole hour 0 and one whole hour 12.
  SenderGroup g = group("p", 24);
  g.profile = {};
  g.profile[0] = 1;
  g.profile[12] = 1;
  CHECK(expected_messages(g, Duration{}, Time::zero(), Time::zero() + Duration::minutes(810)) ==
        Approx(576));
  // Half of hour 12 only, from 12:30.
  CHECK(expected_messages(g, Duration{}, Time::zero() + Duration::minutes(750),
                          Time::zero() + Duration::hours(13)) == Approx(144));
}
