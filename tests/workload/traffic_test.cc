#include "mailsim/workload/traffic.h"

#include <string>
#include <vector>

#include "mailsim/core/simulator.h"
#include "support/catch.h"

using mailsim::Duration;
using mailsim::Simulator;
using mailsim::Time;
using namespace mailsim::workload;

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
  std::vector<ExplicitMessage> sent;  // at the time each was handed over
  std::vector<std::string> names;
  schedule_burst(sim, b, {1, 0}, [&](const ExplicitMessage& m, const std::string& name) {
    sent.push_back(m);
    sent.back().at = sim.now();
    names.push_back(name);
  });
  sim.run();
  // Ten members, three to a message: 3 + 3 + 3 + 1, all at 9 h.
  REQUIRE(sent.size() == 4);
  CHECK(sent[0].recipients ==
        std::vector<std::string>{"m1@example.edu", "m2@example.edu", "m3@example.edu"});
  CHECK(sent[3].recipients == std::vector<std::string>{"m10@example.edu"});
  CHECK(names[3] == "news.4");
  for (const ExplicitMessage& m : sent) CHECK(m.at == b.at);
}

TEST_CASE("the expected count integrates the profile over the window") {
  // Mean 24/h, profile all zero but hours 0 and 12 (equal): each of those hours sends
  // 24 * 24 / 2 = 288. From 00:00 to 13:30 one whole hour 0 and one whole hour 12.
  SenderGroup g;
  g.name = "p";
  g.rate_per_second = 24.0 / 3600;
  g.profile = {};
  g.profile[0] = 1;
  g.profile[12] = 1;
  CHECK(expected_messages(g, Duration{}, Time::zero(), Time::zero() + Duration::minutes(810)) ==
        Approx(576));
  // Half of hour 12 only, from 12:30.
  CHECK(expected_messages(g, Duration{}, Time::zero() + Duration::minutes(750),
                          Time::zero() + Duration::hours(13)) == Approx(144));
}
