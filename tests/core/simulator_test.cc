#include "mailsim/core/simulator.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "lcg.h"
#include "support/catch.h"

using mailsim::Duration;
using mailsim::EventId;
using mailsim::Simulator;
using mailsim::Time;
using mailsim::testing::Lcg;

namespace {

Time at_ms(std::int64_t ms) { return Time::zero() + Duration::milliseconds(ms); }

// Events scheduled on `sim` beside the order the engine owes them: each gets (time,
// label), its label its place in scheduling order, and the live ones must run sorted by
// that pair.
class OrderReference {
 public:
  using Event = std::pair<std::int64_t, int>;  // (time in ns, label)
  explicit OrderReference(Simulator& sim) : sim_(sim) {}

  // Schedules an event at `t` that logs itself when it runs, then calls `then` if given.
  void schedule(std::int64_t t, std::function<void()> then = {}) {
    const int label = static_cast<int>(scheduled_.size());
    ids_.push_back(sim_.schedule_at(Time::from_ns(t), [this, t, label, then = std::move(then)] {
      ran_.emplace_back(t, label);
      if (then) then();
    }));
    scheduled_.emplace_back(t, label);
    cancelled_.push_back(false);
  }
  std::size_t scheduled() const { return scheduled_.size(); }
  // Cancels the `k`th event scheduled, which may have run or been cancelled already.
  void cancel(std::size_t k) {
    if (sim_.cancel(ids_[k])) cancelled_[k] = true;
  }
  const std::vector<Event>& ran() const { return ran_; }
  // The (time, label) of every event not cancelled, sorted.
  std::vector<Event> owed() const {
    std::vector<Event> live;
    for (std::size_t i = 0; i < scheduled_.size(); ++i) {
      if (!cancelled_[i]) live.push_back(scheduled_[i]);
    }
    std::sort(live.begin(), live.end());
    return live;
  }

 private:
  Simulator& sim_;
  std::vector<Event> scheduled_;
  std::vector<Event> ran_;
  std::vector<EventId> ids_;
  std::vector<bool> cancelled_;
};

}  // namespace

TEST_CASE("events run in time order and advance the clock") {
  Simulator sim;
  std::vector<std::pair<int, std::int64_t>> log;
  sim.schedule_at(at_ms(30), [&] { log.emplace_back(3, sim.now().ns()); });
  sim.schedule_at(at_ms(10), [&] { log.emplace_back(1, sim.now().ns()); });
  sim.schedule_at(at_ms(20), [&] { log.emplace_back(2, sim.now().ns()); });
  sim.run();
  CHECK(log == std::vector<std::pair<int, std::int64_t>>{
                   {1, 10'000'000}, {2, 20'000'000}, {3, 30'000'000}});
  CHECK(sim.executed() == 3);
  CHECK(sim.pending() == 0);
}

TEST_CASE("events at equal times run in the order they were scheduled") {
  Simulator sim;
  std::string order;
  for (char c = 'a'; c <= 'j'; ++c) sim.schedule_at(at_ms(5), [&order, c] { order += c; });
  // One scheduled from a handler at the same time goes after all those already queued.
  sim.schedule_at(at_ms(5), [&] { sim.schedule_in(Duration{}, [&] { order += '!'; }); });
  sim.schedule_at(at_ms(5), [&] { order += 'z'; });
  sim.run();
  CHECK(order == "abcdefghijz!");
}

TEST_CASE("a cancelled event does not run and reports that it was pending") {
  Simulator sim;
  int ran = 0;
  const EventId keep = sim.schedule_in(Duration::seconds(1), [&] { ran += 1; });
  const EventId drop = sim.schedule_in(Duration::seconds(2), [&] { ran += 100; });
  CHECK(sim.pending() == 2);
  CHECK(sim.cancel(drop));
  CHECK_FALSE(sim.cancel(drop));
  CHECK(sim.pending() == 1);
  CHECK(sim.is_pending(keep));
  sim.run();
  CHECK(ran == 1);
  CHECK_FALSE(sim.cancel(keep));  // already ran
  CHECK_FALSE(sim.cancel(EventId{}));
}

TEST_CASE("an id of a finished event does not cancel a later event in the same slot") {
  Simulator sim;
  int ran = 0;
  const EventId first = sim.schedule_in(Duration::seconds(1), [&] { ++ran; });
  sim.run();
  const EventId second = sim.schedule_in(Duration::seconds(1), [&] { ++ran; });
  CHECK_FALSE(sim.cancel(first));
  CHECK(sim.is_pending(second));
  sim.run();
  CHECK(ran == 2);
}

TEST_CASE("a handler may cancel itself and other events") {
  Simulator sim;
  int ran = 0;
  EventId self;
  EventId later = sim.schedule_at(at_ms(20), [&] { ran += 100; });
  self = sim.schedule_at(at_ms(10), [&] {
    ++ran;
    CHECK_FALSE(sim.cancel(self));
    CHECK(sim.cancel(later));
  });
  sim.run();
  CHECK(ran == 1);
}

TEST_CASE("step runs exactly one event and skips cancelled ones") {
  Simulator sim;
  std::vector<int> seen;
  const EventId a = sim.schedule_at(at_ms(1), [&] { seen.push_back(1); });
  sim.schedule_at(at_ms(2), [&] { seen.push_back(2); });
  sim.cancel(a);
  CHECK(sim.step());
  CHECK(seen == std::vector<int>{2});
  CHECK(sim.now() == at_ms(2));
  CHECK_FALSE(sim.step());
}

TEST_CASE("run_until runs events up to and including the time, then sets the clock") {
  Simulator sim;
  std::vector<int> seen;
  sim.schedule_at(at_ms(10), [&] { seen.push_back(10); });
  sim.schedule_at(at_ms(20), [&] { seen.push_back(20); });
  sim.schedule_at(at_ms(30), [&] { seen.push_back(30); });
  sim.run_until(at_ms(20));
  CHECK(seen == std::vector<int>{10, 20});
  CHECK(sim.now() == at_ms(20));
  sim.run_until(at_ms(25));
  CHECK(sim.now() == at_ms(25));
  CHECK(sim.pending() == 1);
}

TEST_CASE("stop makes run return after the current handler") {
  Simulator sim;
  int ran = 0;
  sim.schedule_at(at_ms(1), [&] {
    ++ran;
    sim.stop();
  });
  sim.schedule_at(at_ms(2), [&] { ++ran; });
  sim.run();
  CHECK(ran == 1);
  sim.run();
  CHECK(ran == 2);
}

TEST_CASE("large callables work and pending handlers are destroyed with the simulator") {
  auto token = std::make_shared<int>(0);
  {
    Simulator sim;
    std::array<std::int64_t, 32> big{};  // 256 bytes: stored out of line
    big[31] = 7;
    sim.schedule_in(Duration::seconds(1), [token, big] { *token += static_cast<int>(big[31]); });
    sim.schedule_in(Duration::seconds(2), [token] { *token += 1; });
    sim.schedule_in(Duration::seconds(3), [token, big] { *token += 1000; });
    CHECK(token.use_count() == 4);
    sim.run_until(Time::zero() + Duration::seconds(2));
    CHECK(*token == 8);
    CHECK(token.use_count() == 2);  // the two that ran are gone
  }
  CHECK(token.use_count() == 1);  // the pending one was destroyed, not run
  CHECK(*token == 8);
}

TEST_CASE("a long hold model keeps the queue size and time order") {
  // Many interleaved schedules exercise the 4-ary heap's reordering.
  Simulator sim;
  std::uint64_t x = 12345;
  auto next_delay = [&x] {
    x = x * 6364136223846793005ULL + 1442695040888963407ULL;
    return Duration::nanoseconds(static_cast<std::int64_t>(x >> 44));
  };
  Time last;
  bool ordered = true;
  struct Hold {
    Simulator* sim;
    Time* last;
    bool* ordered;
    decltype(next_delay)* delay;
    void operator()() const {
      if (sim->now() < *last) *ordered = false;
      *last = sim->now();
      sim->schedule_in((*delay)(), *this);
    }
  };
  for (int i = 0; i < 1000; ++i)
    sim.schedule_in(next_delay(), Hold{&sim, &last, &ordered, &next_delay});
  for (int i = 0; i < 100000; ++i) REQUIRE(sim.step());
  CHECK(ordered);
  CHECK(sim.pending() == 1000);
}

TEST_CASE("two simulators with many slots each keep their handlers apart and in order") {
  // 100,000 pending events fill slots across several pages of each simulator's reserved
  // room (a 2 MiB huge page holds 32,768 slots), scheduled alternately on two simulators.
  std::array<Simulator, 2> sims;
  std::array<OrderReference, 2> events{OrderReference(sims[0]), OrderReference(sims[1])};
  Lcg next{7};
  for (int i = 0; i < 100000; ++i) {
    for (OrderReference& e : events) e.schedule(static_cast<std::int64_t>(next(50000)));
  }
  for (int k = 0; k < 30000; ++k) events[1].cancel(next(events[1].scheduled()));
  for (std::size_t s = 0; s < sims.size(); ++s) {
    sims[s].run();
    CHECK(events[s].ran() == events[s].owed());
    CHECK(sims[s].pending() == 0);
  }
}

TEST_CASE("an event scheduled after run_until stopped short of the next one runs first") {
  Simulator sim;
  std::vector<int> seen;
  sim.schedule_at(at_ms(10), [&] { seen.push_back(10); });
  sim.schedule_at(at_ms(30), [&] { seen.push_back(30); });
  sim.run_until(at_ms(20));  // looked at the event at 30 ms and stopped before it
  sim.schedule_at(at_ms(25), [&] { seen.push_back(25); });
  sim.schedule_at(at_ms(20), [&] { seen.push_back(20); });
  sim.run();
  CHECK(seen == std::vector<int>{10, 20, 25, 30});
}

TEST_CASE("random schedules, cancels and partial runs follow (time, scheduling order)") {
  // A reference model: every event gets (time, sequence number); the engine must run the
  // live ones in exactly that order, whatever mix of operations came before.
  Simulator sim;
  OrderReference events(sim);
  Lcg next{99};
  for (int round = 0; round < 2000; ++round) {
    const std::uint64_t op = next(10);
    if (op < 6) {  // schedule, often at equal times
      events.schedule(sim.now().ns() + static_cast<std::int64_t>(next(5) * 1000 + next(2)));
    } else if (op < 8 && events.scheduled() > 0) {  // cancel something, maybe already run
      events.cancel(next(events.scheduled()));
    } else if (op == 8) {
      sim.run_until(sim.now() + Duration::nanoseconds(static_cast<std::int64_t>(next(3000))));
    } else {
      sim.step();
    }
  }
  sim.run();
  CHECK(events.ran() == events.owed());
  CHECK(sim.pending() == 0);
}

TEST_CASE("schedules, cancels and partial runs keep their order around the rank sort's bound") {
  // As above, with about kRankSortMax events pending, so that the queue sorts its lowest
  // bucket by rank, then by insertion, then by rank again, many times.
  Simulator sim;
  OrderReference events(sim);
  Lcg next{123};
  const std::size_t bound = mailsim::EventQueue::kRankSortMax;
  for (std::size_t i = 0; i < bound; ++i) {
    events.schedule(static_cast<std::int64_t>(next(1'000'000)));
  }
  for (int round = 0; round < 60'000; ++round) {
    const std::uint64_t op = next(10);
    if (op < (sim.pending() < bound ? 6u : 4u)) {  // half of them at a tied time
      events.schedule(sim.now().ns() +
                      static_cast<std::int64_t>(next(2) == 0 ? next(4) : next(1'000'000)));
    } else if (op < 7 && events.scheduled() > 0) {
      events.cancel(next(events.scheduled()));
    } else if (op == 7) {
      sim.run_until(sim.now() + Duration::nanoseconds(static_cast<std::int64_t>(next(20'000))));
    } else {
      sim.step();
    }
  }
  sim.run();
  CHECK(events.ran() == events.owed());
  CHECK(sim.pending() == 0);
}

TEST_CASE("run() with many pending keeps order when handlers schedule below the next sorted") {
  // run() sorts the next entries before an event runs once the queue holds kPrefetchFrom
  // (1,024) or more: handlers here schedule at their own time, just after it (below the
  // entries already sorted) or far later, and cancel others.
  Simulator sim;
  OrderReference events(sim);
  Lcg next{2024};
  std::function<void()> successor = [&] {
    if (events.scheduled() < 60'000) {
      const std::uint64_t kind = next(3);
      const std::uint64_t delay = kind == 0 ? 0 : kind == 1 ? next(50) : next(2'000'000);
      events.schedule(sim.now().ns() + static_cast<std::int64_t>(delay), successor);
    }
    if (next(10) == 0) events.cancel(next(events.scheduled()));
  };
  for (int i = 0; i < 3000; ++i) {
    events.schedule(static_cast<std::int64_t>(next(2'000'000)), successor);
  }
  sim.run();
  CHECK(events.ran() == events.owed());
  CHECK(sim.pending() == 0);
}

TEST_CASE("zero delays, far-future timers and cancellations follow (time, scheduling order)") {
  // As the test above, with the delays of a mail run: many events at now (zero delay,
  // scheduled from handlers too), timeouts minutes to days away that are mostly cancelled,
  // and run_until stopping between events. The reference is the list of live events
  // sorted by (time, label).
  Simulator sim;
  Lcg next{7};
  auto delay = [&next]() -> std::int64_t {
    switch (next(4)) {
      case 0:
        return 0;
      case 1:
        return static_cast<std::int64_t>(next(50'000));  // up to 50 us
      case 2:
        return static_cast<std::int64_t>(next(300)) * 1'000'000'000;  // up to 5 min
      default:
        return static_cast<std::int64_t>(next(5)) * 86'400'000'000'000;  // up to 4 days
    }
  };
  OrderReference events(sim);
  // Schedules one event; a third of them schedule a follow-up at their own time when run.
  std::function<void(std::int64_t)> add = [&](std::int64_t t) {
    if (next(3) != 0) return events.schedule(t);
    events.schedule(t, [&] { add(sim.now().ns()); });
  };
  for (int round = 0; round < 20'000; ++round) {
    const std::uint64_t op = next(10);
    if (op < 5) {
      add(sim.now().ns() + delay());
    } else if (op < 7 && events.scheduled() > 0) {  // cancel, most often a recent one
      const std::size_t n = events.scheduled();
      events.cancel(n - 1 - next(std::min<std::size_t>(n, 20)));
    } else if (op == 7) {
      sim.run_until(sim.now() + Duration::nanoseconds(delay()));
    } else {
      sim.step();
    }
  }
  sim.run();
  const auto live = events.owed();
  CHECK(events.ran() == live);
  CHECK(sim.pending() == 0);
  CHECK(sim.executed() == live.size());
}

namespace {
// Cancels its own timer when destroyed, as an RAII owner of a timeout would.
struct TimerOwner {
  TimerOwner(Simulator* s, int* d) : sim(s), destroyed(d) {}
  TimerOwner(const TimerOwner&) = delete;
  Simulator* sim;
  EventId timer;
  int* destroyed;
  ~TimerOwner() {
    sim->cancel(timer);
    ++*destroyed;
  }
};
}  // namespace

TEST_CASE("a handler whose destruction cancels its own event is destroyed once") {
  int destroyed = 0;
  SECTION("when cancelled") {
    Simulator sim;
    auto owner = std::make_shared<TimerOwner>(&sim, &destroyed);
    owner->timer = sim.schedule_in(Duration::seconds(1), [o = owner] {});
    const EventId id = owner->timer;
    owner.reset();  // the handler now holds the last reference
    CHECK(sim.cancel(id));
    CHECK(destroyed == 1);
    CHECK(sim.pending() == 0);
  }
  SECTION("when the simulator is destroyed with it pending") {
    {
      Simulator sim;
      auto owner = std::make_shared<TimerOwner>(&sim, &destroyed);
      owner->timer = sim.schedule_in(Duration::seconds(1), [o = owner] {});
    }
    CHECK(destroyed == 1);
  }
}

TEST_CASE("a handler that throws is destroyed and the engine stays usable") {
  Simulator sim;
  auto token = std::make_shared<int>(0);
  sim.schedule_in(Duration::seconds(1), [token] { throw std::runtime_error("boom"); });
  sim.schedule_in(Duration::seconds(2), [token] { ++*token; });
  CHECK_THROWS_AS(sim.run(), std::runtime_error);
  CHECK(token.use_count() == 2);  // the thrower's copy is gone
  sim.run();
  CHECK(*token == 1);
}

TEST_CASE("run_until an earlier time than now does nothing") {
  Simulator sim;
  int ran = 0;
  sim.schedule_at(at_ms(50), [&] { ++ran; });
  sim.run_until(at_ms(20));
  sim.run_until(at_ms(10));
  CHECK(sim.now() == at_ms(20));
  CHECK(ran == 0);
}

TEST_CASE("pending and executed count cancelled, run and thrown events apart") {
  // Six events at 1..6 ms: the one at 2 ms is cancelled first, the one at 3 ms throws (it
  // started, so it counts as executed), the one at 5 ms is cancelled after that. Each
  // count below follows from that list.
  Simulator sim;
  std::vector<EventId> ids;
  for (int ms = 1; ms <= 6; ++ms) {
    ids.push_back(sim.schedule_at(at_ms(ms), [ms] {
      if (ms == 3) throw std::runtime_error("three");
    }));
  }
  CHECK(sim.pending() == 6);
  CHECK(sim.executed() == 0);
  CHECK(sim.cancel(ids[1]));  // 2 ms
  CHECK(sim.pending() == 5);
  CHECK(sim.executed() == 0);
  CHECK_THROWS(sim.run_until(at_ms(4)));  // runs 1 ms, skips 2 ms, 3 ms throws
  CHECK(sim.pending() == 3);              // 4, 5 and 6 ms
  CHECK(sim.executed() == 2);             // 1 and 3 ms
  CHECK(sim.cancel(ids[4]));              // 5 ms
  CHECK(sim.pending() == 2);
  sim.run();  // 4 and 6 ms
  CHECK(sim.pending() == 0);
  CHECK(sim.executed() == 4);
  CHECK_FALSE(sim.cancel(ids[4]));
}
