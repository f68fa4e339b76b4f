#include "mailsim/scenario/world.h"

#include <cassert>
#include <map>
#include <memory>
#include <utility>

namespace mailsim::scenario {

namespace {

// The scenario's clock (seconds since 1970) at simulated time t.
std::int64_t unix_seconds(std::int64_t epoch_unix_seconds, Time t) {
  return epoch_unix_seconds + t.ns() / 1'000'000'000;
}

}  // namespace

World::World(ScenarioConfig config_in, std::uint64_t run)
    : config_(std::move(config_in)), run_(run) {
  const ScenarioConfig& config = config_;
  for (const HostConfig& h : config.hosts) {
    topology_.add_node(h.name, h.router ? net::NodeKind::kRouter : net::NodeKind::kHost);
  }
  for (const LinkConfig& l : config.links) {
    topology_.add_link(*topology_.find(l.a), *topology_.find(l.b), l.bandwidth, l.latency);
  }
  dns::ZoneData zones;
  zones.lookup_delay = config.dns.lookup_delay;
  for (const MxConfig& mx : config.dns.mx)
    zones.mx[mx.domain].push_back({mx.preference, mx.exchange});
  for (const auto& [name, host] : config.dns.addresses)
    zones.addresses[name] = *topology_.find(host);
  // Every MTA's own hostname resolves to its host unless the scenario says otherwise.
  for (const MtaEntry& e : config.mtas)
    zones.addresses.try_emplace(e.mta.hostname, *topology_.find(e.host));
  resolver_ = std::make_unique<dns::Resolver>(std::move(zones));

  for (const MtaEntry& e : config.mtas) {
    mta::MtaConfig c = e.mta;
    c.host = *topology_.find(e.host);
    mtas_.push_back(std::make_unique<mta::Mta>(
        std::move(c), mta::MtaContext{sim_, network_, *resolver_, events_, catalog_, config.seed,
                                      run, config.epoch_unix_seconds}));
  }
  for (const ClientEntry& e : config.clients) {
    if (e.client.kind == workload::ClientKind::kLocal) continue;
    workload::MailClient c = e.client;
    c.host = *topology_.find(e.host);
    const mta::Mta* msa = find_mta(c.mta);
    std::string name = c.name;
    clients_.emplace(
        std::move(name),
        std::make_unique<workload::SubmissionClient>(
            std::move(c),
            workload::Msa{msa->config().name, msa->config().hostname, msa->config().host},
            workload::ClientContext{sim_, network_, events_, catalog_}));
  }
}

void World::submit_message(const workload::ExplicitMessage& m, mta::Mta& origin, std::string id) {
  hand_over(workload::prepare_submission(m, std::move(id),
                                         unix_seconds(config_.epoch_unix_seconds, sim_.now())),
            find_client(m.client), origin);
}

void World::hand_over(workload::Submission&& s, workload::SubmissionClient* client,
                      mta::Mta& origin) {
  if (client != nullptr) return client->submit(s.envelope, std::move(s.message), s.message_id);
  origin.submit(std::move(s.envelope), std::move(s.message), std::move(s.message_id));
}

std::string World::id_suffix(const mta::Mta& origin) const {
  return "." + std::to_string(config_.seed) + "." + std::to_string(run_) + "@" +
         origin.config().hostname;
}

workload::SubmissionClient* World::find_client(std::string_view name) const {
  const auto it = clients_.find(name);
  return it == clients_.end() ? nullptr : it->second.get();
}

mta::Mta* World::find_mta(std::string_view name) const {
  for (const auto& m : mtas_) {
    if (m->config().name == name) return m.get();
  }
  return nullptr;
}

void World::apply_outage(const faults::Outage& o, bool down) {
  // Each degraded reply is its own: two on one MTA may be in force at once.
  if (o.kind == faults::OutageKind::kDegradedReply) {
    return find_mta(o.target)->set_degraded_reply(o.degraded_reply, down);
  }
  // Overlapping outages of one target: it is down from the first start to the last end.
  const std::string key = std::string(faults::to_string(o.kind)) + ":" + o.target;
  int& in_force = outages_in_force_[key];
  in_force += down ? 1 : -1;
  if (in_force != (down ? 1 : 0)) return;
  switch (o.kind) {
    case faults::OutageKind::kHostDown:
      network_.set_host_up(*topology_.find(o.target), !down);
      break;
    case faults::OutageKind::kMtaDown:
      find_mta(o.target)->set_service_up(!down);
      break;
    case faults::OutageKind::kLinkDown: {
      const auto sep = o.target.find("--");
      const auto a = *topology_.find(o.target.substr(0, sep));
      const auto b = *topology_.find(o.target.substr(sep + 2));
      for (net::LinkId l = 0; l < topology_.link_count(); ++l) {
        const net::Link& link = topology_.link(l);
        if ((link.a == a && link.b == b) || (link.a == b && link.b == a)) {
          network_.set_link_up(l, !down);
        }
      }
      break;
    }
    case faults::OutageKind::kDnsDown:
      resolver_->set_available(!down, sim_.now());
      break;
    case faults::OutageKind::kDegradedReply:
      break;  // above
  }
}

void World::start(workload::ArrivalThread arrivals) {
  assert(traffic_ == nullptr);  // once: the events it schedules refer to what it starts
  for (const auto& m : mtas_) m->start();
  workload::schedule_messages(sim_, config_.messages,
                              [this](const workload::ExplicitMessage& m, std::size_t i) {
                                mta::Mta* origin = find_mta(m.origin);
                                assert(origin != nullptr);
                                submit_message(m, *origin, std::to_string(i) + id_suffix(*origin));
                              });
  start_generated_traffic(arrivals);
  faults::schedule_outages(sim_, config_.outages, config_.seed, run_,
                           [this](const faults::Outage& o, bool down) { apply_outage(o, down); });
}

void World::start_generated_traffic(workload::ArrivalThread arrivals) {
  // Origins resolved once: a generated message must not search the MTAs by name. Each
  // group's and burst's functions hold its origin and the end of its Message-IDs.
  std::map<std::string, mta::Mta*, std::less<>> origins;
  for (const auto& m : mtas_) origins[m->config().name] = m.get();
  const auto submit_to = [&](const std::string& origin_name) -> workload::SubmitGenerated {
    mta::Mta* origin = origins.at(origin_name);
    return [this, origin, suffix = id_suffix(*origin)](const workload::ExplicitMessage& m,
                                                       const std::string& name) {
      submit_message(m, *origin, name + suffix);
    };
  };
  // A group's messages are prepared (envelope, text) from what stays fixed during the run,
  // possibly on the arrivals' own thread, and handed over on the simulation thread.
  const auto sink_for = [&](const workload::SenderGroup& g) {
    mta::Mta* origin = origins.at(g.origin);
    workload::SubmissionClient* client = find_client(g.client);
    // The prepare function runs on the arrivals' thread: it holds copies of what it needs.
    auto prepare = [epoch = config_.epoch_unix_seconds, suffix = id_suffix(*origin)](
                       const workload::ExplicitMessage& m, const std::string& name) {
      return workload::prepare_submission(m, name + suffix, unix_seconds(epoch, m.at));
    };
    auto submit = [this, origin, client](workload::Submission&& s) {
      hand_over(std::move(s), client, *origin);
    };
    return workload::GroupSink{std::move(prepare), std::move(submit)};
  };
  const workload::StreamKey key{config_.seed, run_};
  const Duration clock = Duration::seconds(config_.epoch_unix_seconds % 86'400);
  traffic_ = std::make_unique<workload::GroupTraffic>(sim_, config_.groups, key, clock, sink_for,
                                                      arrivals);
  for (const auto& b : config_.bursts) workload::schedule_burst(sim_, b, key, submit_to(b.origin));
}

void World::run(Time until) {
  start();
  sim_.run_until(until);
}

}  // namespace mailsim::scenario
