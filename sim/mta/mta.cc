#include "mailsim/mta/mta.h"

#include <cstdio>
#include <map>
#include <utility>

#include "mailsim/smtp/headers.h"
#include "mta/delivery.h"
#include "mta/receiver.h"
#include "mta/router.h"

namespace mailsim::mta {

namespace {

enum class EntryState { kIncoming, kActive, kDeferred };

struct QueuedRecipient {
  std::string address;
  bool done = false;
  smtp::Reply last_reply;
};

// One message in this MTA's queue, with the recipients it still has to move on.
struct QueueEntry {
  std::string queue_id;
  MessageNumber msg = 0;
  std::string sender;
  std::string data;
  Time arrival;
  EntryState state = EntryState::kIncoming;
  std::vector<QueuedRecipient> rcpts;
  int deliveries_in_flight = 0;
};

std::string client_address(net::NodeId node) {  // a stable made-up address per host
  const std::uint32_t n = node + 1;
  return "10." + std::to_string(n >> 16 & 0xff) + "." + std::to_string(n >> 8 & 0xff) + "." +
         std::to_string(n & 0xff);
}

// The Message-ID header's value without its angle brackets.
std::string message_id_of(std::string_view data) {
  std::string id = smtp::header_value(data, "Message-ID").value_or("");
  if (id.size() >= 2 && id.front() == '<' && id.back() == '>') id = id.substr(1, id.size() - 2);
  return id;
}

}  // namespace

struct Mta::Impl {
  Impl(MtaConfig c, MtaContext x)
      : config(std::move(c)),
        ctx(x),
        router(config, ctx.resolver),
        rng(ctx.seed, ctx.run, "mta:" + config.name),
        receiver_policy{
            [this](std::string_view rcpt) { return router.check_recipient(rcpt); },
            [this](const smtp::Envelope& e, std::string data, const std::string& helo,
                   net::NodeId client) { return receive(e, std::move(data), helo, client); }} {}

  smtp::Reply receive(const smtp::Envelope& e, std::string data, const std::string& helo,
                      net::NodeId client);
  void enqueue(const std::string& id, MessageNumber msg, const smtp::Envelope& e, std::string data,
               const std::string& from_node);
  void activate(const std::string& queue_id);
  void route_and_deliver(QueueEntry& entry);
  void deliver_local(QueueEntry& entry, QueuedRecipient& r);
  void finalize(QueueEntry& entry, QueuedRecipient& r, FinalStatus status,
                const smtp::Reply& reply);
  void delivery_done(const std::string& queue_id, std::vector<AttemptRecipient> results);
  void settle(QueueEntry& entry);
  std::string next_queue_id();
  const std::string& host_name() const { return ctx.network.topology().name(config.host); }

  MtaConfig config;
  MtaContext ctx;
  Router router;
  RandomStream rng;
  ReceiverPolicy receiver_policy;
  std::map<std::string, QueueEntry> queue;  // by queue id
  std::map<std::string, std::vector<std::string>> mailboxes;
  std::uint64_t queued_total = 0;
  bool service_up = true;
};

std::string Mta::Impl::next_queue_id() {
  // Postfix-like: hex digits, unique within this MTA, reproducible.
  char buf[24];
  std::snprintf(buf, sizeof buf, "%05X%05llX", (config.host * 2654435761u) & 0xfffffu,
                static_cast<unsigned long long>(++queued_total));
  return buf;
}

smtp::Reply Mta::Impl::receive(const smtp::Envelope& e, std::string data, const std::string& helo,
                               net::NodeId client) {
  const std::string id = next_queue_id();
  smtp::ReceivedFields f;
  f.helo_name = helo;
  f.client_address = client_address(client);
  f.by_host = config.hostname;
  f.queue_id = id;
  if (e.rcpt_to.size() == 1) f.for_rcpt = e.rcpt_to.front();
  f.unix_seconds = ctx.epoch_unix_seconds + ctx.sim.now().ns() / 1'000'000'000;
  data.insert(0, smtp::format_received(f));
  const std::string bare = message_id_of(data);
  MessageNumber msg = ctx.catalog.find(bare).value_or(0);
  if (msg == 0) {  // a message from outside the simulation (a real client, an unknown id)
    msg = ctx.catalog.add({0, bare, e.mail_from, e.rcpt_to, static_cast<std::int64_t>(data.size()),
                           config.name, ctx.sim.now(), MessageKind::kUser},
                          ctx.events);
  }
  enqueue(id, msg, e, std::move(data), ctx.network.topology().name(client));
  return smtp::make_reply(250, "2.0.0", "Ok: queued as " + id);
}

void Mta::Impl::enqueue(const std::string& id, MessageNumber msg, const smtp::Envelope& e,
                        std::string data, const std::string& from_node) {
  QueueEntry& entry = queue[id];
  entry.queue_id = id;
  entry.msg = msg;
  entry.sender = e.mail_from;
  entry.data = std::move(data);
  entry.arrival = ctx.sim.now();
  for (const auto& r : e.rcpt_to) entry.rcpts.push_back({r, false, {}});
  ctx.events.message_queued({msg, host_name(), id, from_node, ctx.sim.now()});
  ctx.sim.schedule_in(config.processing_delay, [this, id] { activate(id); });
}

void Mta::Impl::activate(const std::string& queue_id) {
  const auto it = queue.find(queue_id);
  if (it == queue.end()) return;
  QueueEntry& entry = it->second;
  if (!service_up || !ctx.network.topology().node_up(config.host)) {
    // The service or its host is down: nothing is delivered; look again later.
    return settle(entry);
  }
  entry.state = EntryState::kActive;
  const Duration delay = ctx.resolver.lookup_delay();
  if (delay == Duration{}) return route_and_deliver(entry);
  ctx.sim.schedule_in(delay, [this, queue_id] {
    if (auto e = queue.find(queue_id); e != queue.end()) route_and_deliver(e->second);
  });
}

void Mta::Impl::route_and_deliver(QueueEntry& entry) {
  std::map<std::string, DeliveryRequest> groups;
  for (QueuedRecipient& r : entry.rcpts) {
    if (r.done) continue;
    RouteDecision d = router.route(r.address, rng);
    switch (d.kind) {
      case RouteKind::kLocal:
        deliver_local(entry, r);
        break;
      case RouteKind::kBounce:
        finalize(entry, r, FinalStatus::kBounced, d.reply);
        break;
      case RouteKind::kDefer:
        r.last_reply = d.reply;
        break;
      case RouteKind::kRemote: {
        DeliveryRequest& g = groups[d.nexthop];
        g.hosts = std::move(d.hosts);
        g.envelope.rcpt_to.push_back(r.address);
        break;
      }
    }
  }
  entry.deliveries_in_flight = static_cast<int>(groups.size());
  if (groups.empty()) return settle(entry);
  const DeliveryContext dctx{ctx.sim, ctx.network, ctx.events, config};
  const std::string id = entry.queue_id;
  for (auto& [nexthop, request] : groups) {
    request.msg = entry.msg;
    request.envelope.mail_from = entry.sender;
    request.data = entry.data;
    start_delivery(dctx, std::move(request), [this, id](std::vector<AttemptRecipient> results) {
      delivery_done(id, std::move(results));
    });
  }
}

void Mta::Impl::deliver_local(QueueEntry& entry, QueuedRecipient& r) {
  const std::string local = local_part_of(r.address);
  if (!config.mailboxes.contains(local)) {
    return finalize(
        entry, r, FinalStatus::kBounced,
        smtp::make_reply(550, "5.1.1",
                         "<" + r.address + ">: Recipient address rejected: User unknown"));
  }
  std::string headers = "Return-Path: <" + entry.sender + ">\r\n";
  headers += smtp::split_message(entry.data).header;
  mailboxes[local].push_back(headers);
  r.done = true;
  ctx.events.recipient_final({entry.msg, r.address, FinalStatus::kDelivered, host_name(),
                              ctx.sim.now(), 250, "2.0.0 delivered to mailbox",
                              std::move(headers)});
}

void Mta::Impl::finalize(QueueEntry& entry, QueuedRecipient& r, FinalStatus status,
                         const smtp::Reply& reply) {
  r.done = true;
  r.last_reply = reply;
  ctx.events.recipient_final(
      {entry.msg, r.address, status, host_name(), ctx.sim.now(), reply.code, reply.text(), {}});
}

void Mta::Impl::delivery_done(const std::string& queue_id, std::vector<AttemptRecipient> results) {
  const auto it = queue.find(queue_id);
  if (it == queue.end()) return;
  QueueEntry& entry = it->second;
  for (const AttemptRecipient& res : results) {
    for (QueuedRecipient& r : entry.rcpts) {
      if (r.done || r.address != res.rcpt) continue;
      const smtp::Reply reply = smtp::make_reply(res.code, res.enhanced, res.text);
      if (res.outcome == RecipientOutcome::kAccepted) {
        r.done = true;  // relayed: the next hop has it now
      } else if (res.outcome == RecipientOutcome::kRejected) {
        finalize(entry, r, FinalStatus::kBounced, reply);
      } else {
        r.last_reply = reply;
      }
    }
  }
  if (--entry.deliveries_in_flight == 0) settle(entry);
}

void Mta::Impl::settle(QueueEntry& entry) {
  bool all_done = true;
  for (const QueuedRecipient& r : entry.rcpts) all_done = all_done && r.done;
  if (!all_done && ctx.sim.now() >= entry.arrival + config.queue_lifetime) {
    for (QueuedRecipient& r : entry.rcpts) {
      if (!r.done) finalize(entry, r, FinalStatus::kExpired, r.last_reply);
    }
    all_done = true;
  }
  if (all_done) {
    queue.erase(entry.queue_id);
    return;
  }
  entry.state = EntryState::kDeferred;
  ctx.sim.schedule_in(config.retry.interval, [this, id = entry.queue_id] { activate(id); });
}

Mta::Mta(MtaConfig config, MtaContext context)
    : impl_(std::make_unique<Impl>(std::move(config), context)) {}
Mta::~Mta() = default;

const MtaConfig& Mta::config() const { return impl_->config; }

void Mta::start() {
  Impl* impl = impl_.get();
  impl->ctx.network.listen(
      impl->config.host, impl->config.port, [impl](std::shared_ptr<net::Connection> connection) {
        smtp::ServerConfig sc;
        sc.hostname = impl->config.hostname;
        sc.max_message_size = impl->config.message_size_limit;
        return serve_connection(impl->ctx.sim, sc, impl->receiver_policy,
                                impl->config.timeouts.server_idle, std::move(connection));
      });
}

void Mta::set_service_up(bool up) {
  if (up == impl_->service_up) return;
  impl_->service_up = up;
  if (up) {
    start();
  } else {
    impl_->ctx.network.unlisten(impl_->config.host, impl_->config.port);
  }
  impl_->ctx.events.service_changed({impl_->config.name, up, impl_->ctx.sim.now()});
}

void Mta::submit(const smtp::Envelope& envelope, std::string data) {
  const MessageNumber msg =
      impl_->ctx.catalog.add({0, message_id_of(data), envelope.mail_from, envelope.rcpt_to,
                              static_cast<std::int64_t>(data.size()), impl_->config.name,
                              impl_->ctx.sim.now(), MessageKind::kUser},
                             impl_->ctx.events);
  impl_->enqueue(impl_->next_queue_id(), msg, envelope, std::move(data), "");
}

QueueCounts Mta::queue_counts() const {
  QueueCounts c;
  for (const auto& [id, e] : impl_->queue) {
    if (e.state == EntryState::kIncoming) ++c.incoming;
    if (e.state == EntryState::kActive) ++c.active;
    if (e.state == EntryState::kDeferred) ++c.deferred;
  }
  return c;
}

const std::map<std::string, std::vector<std::string>>& Mta::mailboxes() const {
  return impl_->mailboxes;
}

}  // namespace mailsim::mta
