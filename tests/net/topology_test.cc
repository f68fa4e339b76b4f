#include "mailsim/net/topology.h"

#include "support/catch.h"

using mailsim::DataRate;
using mailsim::Duration;
using mailsim::net::Topology;

namespace {
DataRate mbps(std::int64_t n) { return DataRate::bits_per_second(n * 1'000'000); }
}  // namespace

TEST_CASE("a route takes the lowest total latency and reports its bottleneck") {
  // a --10ms/100M-- b --10ms/10M-- d   and   a --5ms/1G-- c --30ms/1G-- d
  Topology t;
  const auto a = t.add_node("a");
  const auto b = t.add_node("b");
  const auto c = t.add_node("c");
  const auto d = t.add_node("d");
  const auto ab = t.add_link(a, b, mbps(100), Duration::milliseconds(10));
  const auto bd = t.add_link(b, d, mbps(10), Duration::milliseconds(10));
  const auto ac = t.add_link(a, c, mbps(1000), Duration::milliseconds(5));
  const auto cd = t.add_link(c, d, mbps(1000), Duration::milliseconds(30));
  auto r = t.route(a, d);
  REQUIRE(r);
  CHECK(r->links == std::vector{ab, bd});
  CHECK(r->latency == Duration::milliseconds(20));
  CHECK(r->bottleneck == mbps(10));

  SECTION("traffic reroutes around a failed link") {
    t.set_link_up(bd, false);
    r = t.route(a, d);
    REQUIRE(r);
    CHECK(r->links == std::vector{ac, cd});
    CHECK(r->latency == Duration::milliseconds(35));
    t.set_link_up(bd, true);
    CHECK(t.route(a, d)->links == std::vector{ab, bd});
  }
  SECTION("a destination with no path, or that is down, is unreachable") {
    t.set_link_up(bd, false);
    t.set_link_up(cd, false);
    CHECK_FALSE(t.route(a, d));
    t.set_link_up(cd, true);
    t.set_node_up(d, false);
    CHECK_FALSE(t.route(a, d));
  }
}

TEST_CASE("nodes are found by name") {
  Topology t;
  const auto x = t.add_node("x");
  CHECK(t.find("x") == x);
  CHECK_FALSE(t.find("y"));
  CHECK(t.name(x) == "x");
}

TEST_CASE("among routes of equal latency the one with fewer hops wins") {
  // a --5ms-- b --5ms-- d  and  a --10ms-- d: both 10 ms; the direct link is one hop.
  Topology t;
  const auto a = t.add_node("a");
  const auto b = t.add_node("b");
  const auto d = t.add_node("d");
  const DataRate bw = mbps(10);
  t.add_link(a, b, bw, Duration::milliseconds(5));
  t.add_link(b, d, bw, Duration::milliseconds(5));
  const auto ad = t.add_link(a, d, bw, Duration::milliseconds(10));
  const auto r = t.route(a, d);
  REQUIRE(r);
  CHECK(r->links == std::vector{ad});
  CHECK(r->latency == Duration::milliseconds(10));
}
