// The flow model recomputes only the flows whose rate can change. These tests check that
// against the textbook: after every instant of a random history of starts, ends, aborts
// and cap changes, every flow's rate equals the max-min fair rate computed from scratch.
#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <vector>

#include "mailsim/core/random.h"
#include "mailsim/net/flow_model.h"
#include "support/catch.h"

using namespace mailsim;
using namespace mailsim::net;

namespace {

struct Tracked {
  std::vector<LinkId> links;
  double cap = 0;
};

// Progressive filling in its plainest form: find the lowest level at which a link fills or
// a flow reaches its cap, freeze the flows concerned, repeat.
std::map<FlowModel::FlowId, double> max_min(const std::map<FlowModel::FlowId, Tracked>& flows,
                                            const std::vector<double>& bandwidth) {
  std::map<FlowModel::FlowId, double> rate;
  std::vector<double> room = bandwidth;
  while (rate.size() < flows.size()) {
    std::vector<int> unfrozen(room.size(), 0);
    for (const auto& [id, f] : flows) {
      if (rate.contains(id)) continue;
      for (const LinkId l : f.links) ++unfrozen[l];
    }
    double level = std::numeric_limits<double>::infinity();
    for (std::size_t l = 0; l < room.size(); ++l) {
      if (unfrozen[l] > 0) level = std::min(level, room[l] / unfrozen[l]);
    }
    for (const auto& [id, f] : flows) {
      if (!rate.contains(id) && f.cap > 0) level = std::min(level, f.cap);
    }
    std::vector<bool> full(room.size(), false);
    for (std::size_t l = 0; l < room.size(); ++l) {
      full[l] = unfrozen[l] > 0 && room[l] / unfrozen[l] <= level * (1 + 1e-12);
    }
    std::vector<FlowModel::FlowId> frozen;
    for (const auto& [id, f] : flows) {
      if (rate.contains(id)) continue;
      bool stop = f.cap > 0 && f.cap <= level * (1 + 1e-12);
      for (const LinkId l : f.links) stop = stop || full[l];
      if (stop) frozen.push_back(id);
    }
    for (const FlowModel::FlowId id : frozen) {
      rate[id] = level;
      for (const LinkId l : flows.at(id).links) room[l] -= level;
    }
  }
  return rate;
}

}  // namespace

TEST_CASE("rates after every change equal max-min fair rates computed from scratch") {
  const std::uint64_t seed = GENERATE(1, 2, 3, 4, 5, 6, 7, 8);
  CAPTURE(seed);
  RandomStream rng(seed, 0, "flow-history");
  Simulator sim;
  Topology topology;
  constexpr int kNodes = 10;
  constexpr int kLinks = 16;
  for (int n = 0; n < kNodes; ++n) topology.add_node("n" + std::to_string(n));
  std::vector<double> bandwidth;
  for (int l = 0; l < kLinks; ++l) {
    const std::int64_t mbit = 1 + static_cast<std::int64_t>(rng.uniform_int(100));
    const auto a = static_cast<NodeId>(l % kNodes);
    const auto b =
        static_cast<NodeId>((l + 1 + static_cast<int>(rng.uniform_int(kNodes - 1))) % kNodes);
    topology.add_link(a, b == a ? (a + 1) % kNodes : b, DataRate::bits_per_second(mbit * 1'000'000),
                      Duration::milliseconds(1));
    bandwidth.push_back(static_cast<double>(mbit) * 1e6);
  }
  FlowModel model(sim, topology);
  std::map<FlowModel::FlowId, Tracked> live;
  int checked = 0;
  for (int step = 0; step < 300; ++step) {
    // A few changes at this instant.
    const int changes = 1 + static_cast<int>(rng.uniform_int(4));
    for (int c = 0; c < changes; ++c) {
      const std::uint64_t what = rng.uniform_int(10);
      if (what < 6 || live.empty()) {
        Tracked t;
        const int hops = 1 + static_cast<int>(rng.uniform_int(4));
        for (int h = 0; h < hops; ++h) {
          const auto l = static_cast<LinkId>(rng.uniform_int(kLinks));
          if (std::find(t.links.begin(), t.links.end(), l) == t.links.end()) t.links.push_back(l);
        }
        t.cap = rng.uniform_int(3) == 0 ? rng.uniform(0.5e6, 40e6) : 0;
        const auto bytes = static_cast<std::int64_t>(rng.exponential(200'000)) + 1;
        live[model.start(t.links, bytes, t.cap, [] {})] = t;
      } else {
        auto it = live.begin();
        std::advance(it, static_cast<long>(rng.uniform_int(live.size())));
        if (what < 8) {
          model.abort(it->first);
          live.erase(it);
        } else {
          it->second.cap = rng.uniform_int(2) == 0 ? 0 : rng.uniform(0.5e6, 40e6);
          model.set_cap(it->first, it->second.cap);
        }
      }
    }
    // Drop the flows that finished, then compare every rate with the reference.
    std::erase_if(live, [&](const auto& entry) { return !model.active(entry.first); });
    const auto expected = max_min(live, bandwidth);
    for (const auto& [id, rate] : expected) {
      CAPTURE(step, id);
      CHECK(model.rate_bps(id) == Approx(rate).epsilon(1e-9));
      ++checked;
    }
    sim.run_until(sim.now() +
                  Duration::microseconds(static_cast<std::int64_t>(rng.exponential(20'000)) + 1));
    std::erase_if(live, [&](const auto& entry) { return !model.active(entry.first); });
  }
  CHECK(checked > 1000);
}
