#include "mailsim/mta/mta.h"

#include <algorithm>
#include <cstdio>
#include <map>
#include <utility>

#include "mailsim/smtp/headers.h"
#include "mta/delivery.h"
#include "mta/queue_entry.h"
#include "mta/receiver.h"
#include "mta/retry_queue.h"
#include "mta/router.h"

namespace mailsim::mta {

namespace {

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
                   net::NodeId client) { return receive(e, std::move(data), helo, client); }},
        scheduler(queue_scheduler(config.retry)),
        host_observer(ctx.network.state_changed.connect([this](const net::StateChange& change) {
          // The host coming back restarts the MTA, which scans its queue.
          if (change.what == net::StateChange::What::kHost && change.up &&
              change.target == host_name() && service_up) {
            restart_queue();
          }
        })) {}
  ~Impl() { ctx.network.state_changed.disconnect(host_observer); }

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
  void expire(QueueEntry& entry);
  void schedule(QueueEntry& entry, bool at_start);
  void restart_queue();
  bool running() const { return service_up && ctx.network.topology().node_up(config.host); }
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
  QueueScheduler scheduler;
  Time queue_origin;  // the MTA's last start: periodic queue scans count from it
  std::uint64_t host_observer = 0;
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
  for (const auto& r : e.rcpt_to) entry.rcpts.push_back({r, false, {}, entry.arrival});
  ctx.events.message_queued({msg, host_name(), id, from_node, ctx.sim.now()});
  // Every MTA tries new mail at once; only retries wait for the scheduler.
  entry.wakeup = ctx.sim.schedule_in(config.processing_delay, [this, id] { activate(id); });
}

void Mta::Impl::activate(const std::string& queue_id) {
  const auto it = queue.find(queue_id);
  if (it == queue.end()) return;
  QueueEntry& entry = it->second;
  entry.wakeup = {};
  if (!running()) {
    // Nothing runs while the service or its host is down; restart_queue() looks again.
    entry.state = EntryState::kDeferred;
    return;
  }
  const Time now = ctx.sim.now();
  if (now >= give_up_deadline(config.retry, entry.arrival)) return expire(entry);
  bool any = false;
  for (QueuedRecipient& r : entry.rcpts) {
    r.in_attempt = !r.done && r.due <= now + scheduler.tolerance;
    any = any || r.in_attempt;
  }
  if (!any) return schedule(entry, false);
  entry.state = EntryState::kActive;
  entry.attempt_started = now;
  const Duration delay = ctx.resolver.lookup_delay();
  if (delay == Duration{}) return route_and_deliver(entry);
  ctx.sim.schedule_in(delay, [this, queue_id] {
    if (auto e = queue.find(queue_id); e != queue.end()) route_and_deliver(e->second);
  });
}

void Mta::Impl::route_and_deliver(QueueEntry& entry) {
  std::map<std::string, DeliveryRequest> groups;
  for (QueuedRecipient& r : entry.rcpts) {
    if (r.done || !r.in_attempt) continue;
    RouteDecision d = router.route(r.address, rng);
    switch (d.kind) {
      case RouteKind::kLocal:
        deliver_local(entry, r);
        break;
      case RouteKind::kBounce:
        finalize(entry, r, FinalStatus::kBounced, d.reply);
        break;
      case RouteKind::kDefer:  // Exim keeps routing delays per domain
        r.last_reply = d.reply;
        r.failure = FailureScope::kHost;
        r.nexthop = r.address.substr(r.address.rfind('@') + 1);
        break;
      case RouteKind::kRemote: {
        r.nexthop = d.nexthop;
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
        r.failure = failure_scope(res);
      }
    }
  }
  if (--entry.deliveries_in_flight == 0) settle(entry);
}

// After an attempt: the retry law decides for each deferred recipient, then the entry
// leaves the queue or waits for its next activation.
void Mta::Impl::settle(QueueEntry& entry) {
  const Time now = ctx.sim.now();
  for (QueuedRecipient* r : record_failures(config.retry, entry, now, rng)) {
    finalize(entry, *r, FinalStatus::kExpired, r->last_reply);
  }
  if (std::all_of(entry.rcpts.begin(), entry.rcpts.end(), [](const auto& r) { return r.done; })) {
    queue.erase(entry.queue_id);
    return;
  }
  if (auto warning = take_due_warning(config.retry, entry, host_name(), now)) {
    ctx.events.delay_warning(*warning);
  }
  entry.state = EntryState::kDeferred;
  schedule(entry, false);
}

void Mta::Impl::expire(QueueEntry& entry) {
  for (QueuedRecipient& r : entry.rcpts) {
    if (!r.done) finalize(entry, r, FinalStatus::kExpired, r.last_reply);
  }
  queue.erase(entry.queue_id);
}

void Mta::Impl::schedule(QueueEntry& entry, bool at_start) {
  const Time next = next_activation(config.retry, entry, queue_origin, ctx.sim.now(), at_start);
  ctx.sim.cancel(entry.wakeup);
  entry.wakeup = ctx.sim.schedule_at(next, [this, id = entry.queue_id] { activate(id); });
}

// A (re)started MTA scans its deferred queue at once; periodic scans count from now.
void Mta::Impl::restart_queue() {
  queue_origin = ctx.sim.now();
  for (auto& [id, entry] : queue) {
    if (entry.state == EntryState::kDeferred) schedule(entry, true);
  }
}

Mta::Mta(MtaConfig config, MtaContext context)
    : impl_(std::make_unique<Impl>(std::move(config), context)) {}
Mta::~Mta() = default;

const MtaConfig& Mta::config() const { return impl_->config; }

void Mta::start() {
  Impl* impl = impl_.get();
  impl->restart_queue();
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
