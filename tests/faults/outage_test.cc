#include "mailsim/faults/outage.h"

#include <vector>

#include "support/catch.h"

using namespace mailsim::faults;
using mailsim::Duration;
using mailsim::RandomStream;
using mailsim::Time;

namespace {

Time at(Duration d) { return Time::zero() + d; }

Outage host_down(std::string target) {
  Outage o;
  o.kind = OutageKind::kHostDown;
  o.target = std::move(target);
  return o;
}

std::vector<double> edges_s(const std::vector<Window>& ws) {
  std::vector<double> out;
  for (const Window& w : ws) {
    out.push_back(w.start.seconds());
    out.push_back(w.end.seconds());
  }
  return out;
}

}  // namespace

TEST_CASE("a fault at a time for a duration is one window") {
  Outage o = host_down("b");
  o.start = at(Duration::hours(2));
  o.duration = Duration::minutes(30);
  const auto ws = windows_before({o}, 0, 1, 0, at(Duration::days(1)));
  CHECK(edges_s(ws) == std::vector<double>{7200, 9000});
}

TEST_CASE("a repeating fault with a count has that many windows, a period apart") {
  // Daily from 01:00 for 2 h, three times: [1h, 3h), [25h, 27h), [49h, 51h).
  Outage o = host_down("b");
  o.start = at(Duration::hours(1));
  o.duration = Duration::hours(2);
  o.every = Duration::days(1);
  o.count = 3;
  const auto ws = windows_before({o}, 0, 1, 0, at(Duration::days(30)));
  CHECK(edges_s(ws) == std::vector<double>{3600, 10800, 90000, 97200, 176400, 183600});
}

TEST_CASE("a repeating fault without a count repeats until the end of the run") {
  // Every 6 h from 0 for 1 h: windows start at 0, 6, 12 and 18 h before the end at 24 h.
  Outage o = host_down("b");
  o.duration = Duration::hours(1);
  o.every = Duration::hours(6);
  o.count = kUntilEnd;
  const auto ws = windows_before({o}, 0, 1, 0, at(Duration::days(1)));
  REQUIRE(ws.size() == 4);
  CHECK(ws[3].start.seconds() == 64800);
  CHECK(ws[3].end.seconds() == 68400);
}

TEST_CASE("a random fault alternates exponential up and down times from its named stream") {
  // The recipe: from start, up for exponential(mtbf), down for exponential(mttr), and so
  // on, drawn in that order from the stream "fault:host_down:b" of (seed, run).
  Outage o = host_down("b");
  o.start = at(Duration::hours(1));
  o.mtbf = Duration::days(2);
  o.mttr = Duration::hours(3);
  o.count = 5;
  RandomStream rng(7, 2, "fault:host_down:b");
  std::vector<double> expected;
  Time t = o.start;
  for (int i = 0; i < 5; ++i) {
    t = t + rng.exponential(o.mtbf);
    expected.push_back(t.seconds());
    t = t + rng.exponential(o.mttr);
    expected.push_back(t.seconds());
  }
  const std::vector<Window> ws = windows_before({o}, 0, 7, 2, Time::max());
  CHECK(edges_s(ws) == expected);
}

TEST_CASE("a random fault's windows depend on the seed and not on other faults") {
  Outage o = host_down("b");
  o.mtbf = Duration::days(1);
  o.mttr = Duration::hours(1);
  o.count = kUntilEnd;
  Outage other = host_down("c");
  other.mtbf = Duration::days(1);
  other.mttr = Duration::hours(1);
  other.count = kUntilEnd;
  const Time until = at(Duration::days(30));
  const auto alone = windows_before({o}, 0, 1, 0, until);
  const auto after_other = windows_before({other, o}, 1, 1, 0, until);
  CHECK(edges_s(alone) == edges_s(after_other));
  CHECK(edges_s(alone) != edges_s(windows_before({o}, 0, 2, 0, until)));
  CHECK(edges_s(alone) != edges_s(windows_before({o}, 0, 1, 1, until)));
  // A second random fault of the same kind and target draws from its own stream.
  CHECK(stream_name({o, o}, 0) == "fault:host_down:b");
  CHECK(stream_name({o, o}, 1) == "fault:host_down:b#2");
}

TEST_CASE("a random fault's mean up and down times approach MTBF and MTTR") {
  // 4000 draws of each: the standard error of an exponential mean is mean/sqrt(n), about
  // 1.6%; 6% is more than three of them.
  Outage o = host_down("b");
  o.mtbf = Duration::days(2);
  o.mttr = Duration::hours(4);
  o.count = 4000;
  const auto ws = windows_before({o}, 0, 3, 0, Time::max());
  REQUIRE(ws.size() == 4000);
  double up = 0, down = 0;
  Time last_end = o.start;
  for (const Window& w : ws) {
    up += (w.start - last_end).seconds();
    down += (w.end - w.start).seconds();
    last_end = w.end;
  }
  CHECK(up / 4000 == Approx(2 * 86400.0).epsilon(0.06));
  CHECK(down / 4000 == Approx(4 * 3600.0).epsilon(0.06));
}

TEST_CASE("scheduled windows call apply at each start and end") {
  mailsim::Simulator sim;
  Outage o = host_down("b");
  o.start = at(Duration::minutes(10));
  o.duration = Duration::minutes(5);
  o.every = Duration::minutes(20);
  o.count = 2;
  std::vector<std::pair<double, bool>> calls;
  const std::vector<Outage> outages{o};
  schedule_outages(sim, outages, 1, 0, [&](const Outage&, bool down) {
    calls.emplace_back(sim.now().seconds(), down);
  });
  sim.run_until(at(Duration::hours(2)));
  CHECK(calls == std::vector<std::pair<double, bool>>{
                     {600, true}, {900, false}, {1800, true}, {2100, false}});
}
