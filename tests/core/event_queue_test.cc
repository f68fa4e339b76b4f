#include "mailsim/core/event_queue.h"

#include <cstdint>
#include <set>
#include <utility>
#include <vector>

#include "lcg.h"
#include "support/catch.h"

using mailsim::EventQueue;
using mailsim::testing::Lcg;

namespace {

using Key = std::pair<std::uint64_t, std::uint64_t>;  // (t, order): std::set's order
Key key_of(const EventQueue::Entry& e) { return {e.t, e.order}; }

// Drives an EventQueue and a std::set with the same operations, the way Simulator uses the
// queue: every pushed key has a larger sequence number than all before it and a time no
// earlier than the last key removed; top() may look ahead without removing (run_until
// stopping short), after which keys below the one seen may still arrive. The set's
// smallest element is the answer every removal must give. With `around` 0 half the
// operations push; otherwise most push below `around` keys and most remove above, so that
// the size wanders about `around`.
void check_against_set(std::uint64_t seed, int operations, std::uint64_t (*delay)(Lcg&),
                       std::size_t around = 0) {
  EventQueue queue;
  std::set<Key> reference;
  Lcg rng{seed};
  std::uint64_t now = 0;
  std::uint64_t seq = 1;
  for (int i = 0; i < operations; ++i) {
    const std::uint64_t op = rng.next(10);
    const std::uint64_t pushes = around == 0 ? 5 : reference.size() < around ? 7 : 3;
    if (op < pushes || reference.empty()) {
      const std::uint64_t slot = rng.next(EventQueue::kSlotMask + 1);
      const EventQueue::Entry e{now + delay(rng), seq++ << EventQueue::kSlotBits | slot};
      queue.push(e);
      reference.insert(key_of(e));
    } else if (op < 8) {
      REQUIRE(key_of(queue.pop()) == *reference.begin());
      now = reference.begin()->first;
      reference.erase(reference.begin());
    } else if (op == 8) {
      REQUIRE(key_of(queue.top()) == *reference.begin());  // look, do not take
    } else if (queue.ready()) {
      REQUIRE(key_of(queue.take()) == *reference.begin());
      now = reference.begin()->first;
      reference.erase(reference.begin());
    }
    REQUIRE(queue.size() == reference.size());
  }
  std::set<Key> held;
  queue.for_each([&held](const EventQueue::Entry& e) { held.insert(key_of(e)); });
  CHECK(held == reference);
  while (!reference.empty()) {
    REQUIRE(key_of(queue.pop()) == *reference.begin());
    reference.erase(reference.begin());
  }
  CHECK(queue.empty());
}

}  // namespace

TEST_CASE("the event queue removes keys in (time, order) order, as a std::set would") {
  SECTION("many ties: delays of 0 to 3 ns") {
    check_against_set(1, 200'000, [](Lcg& r) { return r.next(4); });
  }
  SECTION("delays up to a millisecond") {
    check_against_set(2, 200'000, [](Lcg& r) { return r.next(1'000'000); });
  }
  SECTION("a mix of zero delays, short ones and far-future timers (up to 2^50 ns)") {
    check_against_set(3, 200'000, [](Lcg& r) -> std::uint64_t {
      switch (r.next(4)) {
        case 0:
          return 0;
        case 1:
          return r.next(100);
        case 2:
          return r.next(10'000'000);
        default:
          return r.next(std::uint64_t{1} << 50);
      }
    });
  }
}

TEST_CASE("the queue keeps (time, order) order on both sides of the rank sort's bound") {
  // Up to kRankSortMax entries the lowest bucket is sorted by rank, above it by insertion:
  // the size wanders across the bound, with ties and look-aheads as above.
  constexpr std::size_t kBound = EventQueue::kRankSortMax;
  SECTION("delays up to a millisecond") {
    check_against_set(
        4, 300'000, [](Lcg& r) { return r.next(1'000'000); }, kBound);
  }
  SECTION("many ties: delays of 0 to 3 ns") {
    check_against_set(
        5, 300'000, [](Lcg& r) { return r.next(4); }, kBound);
  }
  SECTION("a hundred entries, as in the hold benchmark") {
    check_against_set(
        6, 200'000, [](Lcg& r) { return r.next(2'000'000); }, 100);
  }
}

TEST_CASE("a key below the last one looked at goes first") {
  // top() spreads the buckets around the smallest key (100 ns); a key pushed afterwards
  // at 50 ns is smaller than it, and at 100 ns with a later sequence number larger.
  EventQueue queue;
  for (std::uint64_t i = 0; i < 40; ++i) queue.push({100 + 1000 * i, (i + 1) << 24});
  CHECK(queue.top().t == 100);
  queue.push({50, std::uint64_t{41} << 24});
  queue.push({100, std::uint64_t{42} << 24});
  CHECK(queue.pop().t == 50);
  const EventQueue::Entry first = queue.pop();
  CHECK(first.t == 100);
  CHECK(first.order == std::uint64_t{1} << 24);
  const EventQueue::Entry second = queue.pop();
  CHECK(second.t == 100);
  CHECK(second.order == std::uint64_t{42} << 24);
  CHECK(queue.pop().t == 1100);
  CHECK(queue.size() == 38);
}
