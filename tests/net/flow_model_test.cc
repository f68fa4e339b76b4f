#include "mailsim/net/flow_model.h"

#include <algorithm>

#include "support/catch.h"

using mailsim::DataRate;
using mailsim::Duration;
using mailsim::Simulator;
using mailsim::Time;
using namespace mailsim::net;

namespace {

DataRate mbps(std::int64_t n) { return DataRate::bits_per_second(n * 1'000'000); }
Time at_ms(std::int64_t ms) { return Time::zero() + Duration::milliseconds(ms); }

struct Line {  // a --L1-- b --L2-- c
  Simulator sim;
  Topology topology;
  NodeId a = topology.add_node("a");
  NodeId b = topology.add_node("b");
  NodeId c = topology.add_node("c");
  LinkId l1;
  LinkId l2;
  FlowModel flows{sim, topology};
  Line(DataRate bw1, DataRate bw2)
      : l1(topology.add_link(a, b, bw1, Duration::milliseconds(1))),
        l2(topology.add_link(b, c, bw2, Duration::milliseconds(1))) {}
};

}  // namespace

TEST_CASE("a single flow takes its size over the bandwidth, to the nanosecond") {
  Line w(mbps(10), mbps(10));
  Time done;
  w.flows.start({w.l1}, 12'500, 0, [&] { done = w.sim.now(); });  // 100,000 bits
  w.sim.run();
  CHECK(done == at_ms(10));
  CHECK(w.flows.active_count() == 0);
}

TEST_CASE("a lone flow goes at its cap when that is below its narrowest link, else at that link") {
  // L1 10 Mbit/s, L2 4 Mbit/s; the flow crosses both, alone. Caps of 3 and 4 Mbit/s hold
  // (4 is the narrowest link's share too); a cap of 6 Mbit/s is above L2's 4, which rules.
  Line w(mbps(10), mbps(4));
  const double cap = GENERATE(3e6, 4e6, 6e6);
  const auto f = w.flows.start({w.l1, w.l2}, 1'000'000, cap, [] {});
  CHECK(w.flows.rate_bps(f) == std::min(cap, 4e6));
  w.flows.set_cap(f, 0);
  CHECK(w.flows.rate_bps(f) == 4e6);
  w.flows.set_cap(f, 1e6);
  CHECK(w.flows.rate_bps(f) == 1e6);
}

TEST_CASE("two equal flows on one link each get half and finish together") {
  Line w(mbps(10), mbps(10));
  Time first, second;
  const auto f1 = w.flows.start({w.l1}, 12'500, 0, [&] { first = w.sim.now(); });
  const auto f2 = w.flows.start({w.l1}, 12'500, 0, [&] { second = w.sim.now(); });
  CHECK(w.flows.rate_bps(f1) == 5e6);
  CHECK(w.flows.rate_bps(f2) == 5e6);
  w.sim.run();
  CHECK(first == at_ms(20));
  CHECK(second == at_ms(20));
}

TEST_CASE("three flows over two links get their max-min fair shares") {
  // L1 10 Mbit/s, L2 4 Mbit/s. f1 crosses both, f2 only L1, f3 only L2. Filling: L2 is
  // the bottleneck at 4/2 = 2 for f1 and f3; f2 then has L1's remaining 10 - 2 = 8.
  Line w(mbps(10), mbps(4));
  const auto f1 = w.flows.start({w.l1, w.l2}, 1'000'000, 0, [] {});
  const auto f2 = w.flows.start({w.l1}, 1'000'000, 0, [] {});
  const auto f3 = w.flows.start({w.l2}, 1'000'000, 0, [] {});
  CHECK(w.flows.rate_bps(f1) == 2e6);
  CHECK(w.flows.rate_bps(f2) == 8e6);
  CHECK(w.flows.rate_bps(f3) == 2e6);
}

TEST_CASE("a flow that ends releases its share to the others") {
  // 10 Mbit/s shared: the 12,500-byte flow ends at 20 ms (5 Mbit/s); the 25,000-byte one
  // has 12,500 bytes left and finishes them alone at 10 Mbit/s, at 30 ms.
  Line w(mbps(10), mbps(10));
  Time small, big;
  w.flows.start({w.l1}, 12'500, 0, [&] { small = w.sim.now(); });
  w.flows.start({w.l1}, 25'000, 0, [&] { big = w.sim.now(); });
  w.sim.run();
  CHECK(small == at_ms(20));
  CHECK(big == at_ms(30));
}

TEST_CASE("a capped flow leaves the rest of the link to others") {
  // f1 capped at 2 Mbit/s; f2 takes the other 8.
  Line w(mbps(10), mbps(10));
  Time capped;
  const auto f1 = w.flows.start({w.l1}, 12'500, 2e6, [&] { capped = w.sim.now(); });
  const auto f2 = w.flows.start({w.l1}, 100'000'000, 0, [] {});
  CHECK(w.flows.rate_bps(f2) == 8e6);
  w.sim.run_until(at_ms(100));
  CHECK(capped == at_ms(50));
  CHECK(w.flows.rate_bps(f2) == 10e6);
  SECTION("raising the cap recomputes the shares") {
    const auto f3 = w.flows.start({w.l1}, 100'000'000, 1e6, [] {});
    CHECK(w.flows.rate_bps(f2) == 9e6);
    w.flows.set_cap(f3, 0);
    CHECK(w.flows.rate_bps(f2) == 5e6);
    CHECK(w.flows.rate_bps(f3) == 5e6);
  }
  (void)f1;
}

TEST_CASE("an aborted flow never completes and frees its share at once") {
  Line w(mbps(10), mbps(10));
  bool aborted_done = false;
  Time other;
  const auto f1 = w.flows.start({w.l1}, 12'500, 0, [&] { aborted_done = true; });
  w.flows.start({w.l1}, 12'500, 0, [&] { other = w.sim.now(); });
  w.sim.run_until(at_ms(10));  // each has sent 6,250 bytes at 5 Mbit/s
  w.flows.abort(f1);
  w.sim.run();
  CHECK_FALSE(aborted_done);
  CHECK(other == at_ms(15));  // the other 6,250 bytes at 10 Mbit/s take 5 ms
}
