#include "mailsim/mta/mta.h"

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <map>
#include <utility>
#include <vector>

#include "mailsim/smtp/headers.h"
#include "mta/mta_impl.h"

namespace mailsim::mta {

namespace {

// Appends `value` in upper-case hex digits, zero-padded to `width`: printf's "%0*llX".
void append_hex(std::string& out, std::uint64_t value, int width) {
  char digits[16];
  const char* end = std::to_chars(digits, digits + sizeof digits, value, 16).ptr;
  const auto count = static_cast<int>(end - digits);
  if (count < width) out.append(static_cast<std::size_t>(width - count), '0');
  for (const char* c = digits; c != end; ++c) {
    out += *c >= 'a' ? static_cast<char>(*c - 'a' + 'A') : *c;
  }
}

}  // namespace

std::string Mta::Impl::next_queue_id() {
  // Postfix-like: hex digits, unique within this MTA, reproducible ("%05X%05llX").
  std::string id;
  append_hex(id, (config.host * 2654435761u) & 0xfffffu, 5);
  append_hex(id, ++queued_total, 5);
  return id;
}

// Loop detection refuses the message at the end of DATA, so the previous hop bounces it.
smtp::Reply Mta::Impl::receive(const smtp::SessionInfo& session, const smtp::Envelope& e,
                               const smtp::SharedMessage& received, net::NodeId client) {
  if (too_many_hops(received->header(), config.hopcount_limit)) {
    return smtp::make_reply(554, "5.4.6", "Error: too many hops");
  }
  const std::string id = next_queue_id();
  smtp::ReceivedFields f = received_fields(session, client, e);
  f.by_host = config.hostname;
  f.queue_id = id;
  f.unix_seconds = ctx.epoch_unix_seconds + ctx.sim.now().ns() / 1'000'000'000;
  smtp::SharedMessage message = with_trace_field(smtp::format_received(f), *received);
  const std::string bare = message_id_of(received->header());  // the trace field has none
  MessageNumber msg = ctx.catalog.find(bare).value_or(0);
  if (msg == 0) {  // a message from outside the simulation (a real client, an unknown id)
    msg = ctx.catalog.add({0, bare, e.mail_from, e.rcpt_to, message->size(), config.name,
                           ctx.sim.now(), MessageKind::kUser},
                          ctx.events);
  }
  enqueue(id, msg, e, std::move(message), ctx.network.topology().name(client));
  return smtp::make_reply(250, "2.0.0", "Ok: queued as " + id);
}

// A message the content filter works on stays known by its number, so that the copy it
// queues is the same message even if the sender has given up and let its own copy go.
std::function<void()> Mta::Impl::keep_message(const smtp::Message& message) {
  const std::optional<MessageNumber> msg = ctx.catalog.find(message_id_of(message.header()));
  if (!msg) return {};
  ctx.catalog.hold(*msg);
  return [this, held = *msg] { ctx.catalog.release(held, ctx.sim.now(), ctx.events); };
}

void Mta::Impl::enqueue(const std::string& id, MessageNumber msg, const smtp::Envelope& e,
                        smtp::SharedMessage message, const std::string& from_node) {
  QueueEntry& entry = queue[id];
  ++counts.incoming;  // a new entry's state
  entry.queue_id = id;
  entry.msg = msg;
  // MAIL FROM and its parameters; the recipients go to `rcpts`.
  entry.envelope.mail_from = e.mail_from;
  entry.envelope.body = e.body;
  entry.envelope.ret = e.ret;
  entry.envelope.envid = e.envid;
  entry.message = std::move(message);
  entry.arrival = ctx.sim.now();
  ctx.catalog.hold(msg);  // until the entry leaves the queue (settle, expire)
  entry.rcpts.resize(e.rcpt_to.size());
  for (std::size_t i = 0; i < e.rcpt_to.size(); ++i) {
    QueuedRecipient& r = entry.rcpts[i];
    r.address = e.rcpt_to[i];
    if (i < e.rcpt_options.size()) r.options = e.rcpt_options[i];
    r.due = entry.arrival;
  }
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
    set_state(entry, EntryState::kDeferred);
    return release_place(queue_id);
  }
  const Time now = ctx.sim.now();
  if (now >= give_up_deadline(config.retry, entry.arrival)) return expire(entry);
  bool any = false;
  for (QueuedRecipient& r : entry.rcpts) {
    r.in_attempt = !r.done && r.due <= now + scheduler.tolerance;
    any = any || r.in_attempt;
  }
  if (!any) {
    release_place(queue_id);
    return schedule(entry, false);
  }
  if (!active.admit(queue_id)) return;  // release_place() calls it again
  set_state(entry, EntryState::kActive);
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
        r.remote_mta.clear();
        finalize(entry, r, FinalStatus::kBounced, d.reply);
        break;
      case RouteKind::kDefer:  // Exim keeps routing delays per domain
        r.last_reply = d.reply;
        r.remote_mta.clear();
        r.last_attempt = ctx.sim.now();
        r.failure = FailureScope::kHost;
        r.nexthop = r.address.substr(r.address.rfind('@') + 1);
        ctx.events.delivery_deferred({entry.msg,
                                      host_name(),
                                      d.nexthop,
                                      ctx.sim.now(),
                                      "dns",
                                      {r.address},
                                      d.reply.code,
                                      d.reply.enhanced,
                                      d.reply.lines.empty() ? "" : d.reply.lines.front()});
        break;
      case RouteKind::kRemote: {
        r.nexthop = d.nexthop;
        const auto [it, fresh] = groups.try_emplace(std::move(d.nexthop));
        DeliveryRequest& g = it->second;
        if (fresh) g.envelope = entry.envelope;  // MAIL FROM and its parameters
        g.hosts = std::move(d.hosts);
        g.envelope.rcpt_to.push_back(r.address);
        g.envelope.rcpt_options.push_back(r.options);
        break;
      }
    }
  }
  std::vector<std::pair<const std::string*, DeliveryRequest>> transactions;  // next hop in groups
  for (auto& [nexthop, request] : groups) {
    request.msg = entry.msg;
    request.message = entry.message;
    request.arrival = entry.arrival;
    for (DeliveryRequest& part :
         split_by_recipient_limit(std::move(request), limits.recipient_limit)) {
      transactions.emplace_back(&nexthop, std::move(part));
    }
  }
  entry.deliveries_in_flight = static_cast<int>(transactions.size());
  if (transactions.empty()) return settle(entry);
  const std::string id = entry.queue_id;
  for (auto& [nexthop, request] : transactions) {
    destinations.submit(*nexthop, std::move(request),
                        [this, id](const DeliveryResult& result) { delivery_done(id, result); });
  }
}

void Mta::Impl::deliver_local(QueueEntry& entry, QueuedRecipient& r) {
  const std::string local = local_part_of(r.address);
  if (!config.mailboxes.contains(local)) {
    r.remote_mta.clear();
    return finalize(
        entry, r, FinalStatus::kBounced,
        smtp::make_reply(550, "5.1.1",
                         "<" + r.address + ">: Recipient address rejected: User unknown"));
  }
  const std::string& from = entry.envelope.mail_from;
  std::string headers;
  headers.reserve(17 + from.size() + entry.message->header().size());
  headers.append("Return-Path: <").append(from).append(">\r\n").append(entry.message->header());
  if (ctx.keep_mailboxes) mailboxes[local].push_back(headers);
  r.done = true;
  ctx.events.recipient_final({entry.msg, r.address, FinalStatus::kDelivered, host_name(),
                              ctx.sim.now(), 250, "2.0.0 delivered to mailbox",
                              std::move(headers)});
}

// A recipient that failed for good joins the bounce that ends this pass (send_bounce).
void Mta::Impl::finalize(QueueEntry& entry, QueuedRecipient& r, FinalStatus status,
                         const smtp::Reply& reply) {
  r.done = true;
  r.last_reply = reply;
  if (status == FinalStatus::kBounced) r.last_attempt = ctx.sim.now();
  ctx.events.recipient_final(
      {entry.msg, r.address, status, host_name(), ctx.sim.now(), reply.code, reply.text(), {}});
  if (status != FinalStatus::kDelivered && wants_dsn(entry, r, smtp::kNotifyFailure)) {
    entry.failed.push_back(dsn_recipient(r, smtp::DsnAction::kFailed, ctx.epoch_unix_seconds));
  }
}

void Mta::Impl::delivery_done(const std::string& queue_id, const DeliveryResult& result) {
  const auto it = queue.find(queue_id);
  if (it == queue.end()) return;
  QueueEntry& entry = it->second;
  for (const AttemptRecipient& res : result.recipients) {
    for (QueuedRecipient& r : entry.rcpts) {
      if (r.done || r.address != res.rcpt) continue;
      // A refusal is always the server's; a deferral may be the client's own 451.
      const bool remote = res.outcome == RecipientOutcome::kRejected || !result.session_lost;
      if (remote) {
        r.remote_mta = result.remote_mta;
      } else {
        r.remote_mta.clear();
      }
      r.last_attempt = ctx.sim.now();
      if (res.outcome == RecipientOutcome::kAccepted) {
        r.done = true;  // relayed: the next hop has it now
      } else if (res.outcome == RecipientOutcome::kRejected) {
        finalize(entry, r, FinalStatus::kBounced,
                 smtp::make_reply(res.code, res.enhanced, res.text));
      } else {
        r.last_reply = smtp::make_reply(res.code, res.enhanced, res.text);
        r.failure = failure_scope(res);
        r.not_tried = result.not_tried;
      }
    }
  }
  if (--entry.deliveries_in_flight == 0) settle(entry);
}

// After an attempt: the retry law decides for each deferred recipient, then the entry
// leaves the queue or waits for its next activation.
void Mta::Impl::settle(QueueEntry& entry) {
  release_place(entry.queue_id);
  const Time now = ctx.sim.now();
  for (QueuedRecipient* r : record_failures(config.retry, entry, now, rng, &host_retry)) {
    finalize(entry, *r, FinalStatus::kExpired, r->last_reply);
  }
  send_bounce(entry);
  if (std::all_of(entry.rcpts.begin(), entry.rcpts.end(), [](const auto& r) { return r.done; })) {
    const MessageNumber msg = entry.msg;
    remove_entry(entry);
    ctx.catalog.release(msg, now, ctx.events);  // this copy is gone
    return;
  }
  if (auto warning = take_due_warning(config.retry, entry, host_name(), now)) {
    ctx.events.delay_warning(*warning);
    send_delay_warning(entry);
  }
  set_state(entry, EntryState::kDeferred);
  schedule(entry, false);
}

void Mta::Impl::expire(QueueEntry& entry) {
  release_place(entry.queue_id);
  for (QueuedRecipient& r : entry.rcpts) {
    if (!r.done) finalize(entry, r, FinalStatus::kExpired, r.last_reply);
  }
  send_bounce(entry);
  const MessageNumber msg = entry.msg;
  remove_entry(entry);
  ctx.catalog.release(msg, ctx.sim.now(), ctx.events);  // this copy is gone
}

// One bounce per pass over the entry, listing every recipient that failed in it, as
// Postfix's qmgr flushes its bounce log when the message leaves the active queue. A bounce
// itself never gets one (wants_dsn): a failed bounce is dropped with its final status.
void Mta::Impl::send_bounce(QueueEntry& entry) {
  if (entry.failed.empty()) return;
  send_notification(smtp::DsnKind::kBounce, entry, std::exchange(entry.failed, {}));
}

void Mta::Impl::send_delay_warning(QueueEntry& entry) {
  std::vector<smtp::DsnRecipient> delayed =
      delayed_recipients(entry, will_retry_until(config.retry, entry), ctx.epoch_unix_seconds);
  if (!delayed.empty()) send_notification(smtp::DsnKind::kDelayWarning, entry, std::move(delayed));
}

// The DSN is queued here as a new local message and routed like any other.
void Mta::Impl::send_notification(smtp::DsnKind kind, const QueueEntry& entry,
                                  std::vector<smtp::DsnRecipient> recipients) {
  const std::string id = next_queue_id();
  Notification n = make_notification(kind, entry, std::move(recipients),
                                     {config.hostname, id, ctx.sim.now(), ctx.epoch_unix_seconds});
  const MessageKind message_kind =
      kind == smtp::DsnKind::kBounce ? MessageKind::kBounce : MessageKind::kWarning;
  const MessageNumber msg =
      ctx.catalog.add({0, n.message_id, "", n.envelope.rcpt_to, n.message->size(), config.name,
                       ctx.sim.now(), message_kind, entry.msg},
                      ctx.events);
  enqueue(id, msg, n.envelope, std::move(n.message), "");
}

// The entry leaves the active queue (or its line); those waiting longest take the places.
void Mta::Impl::release_place(const std::string& queue_id) {
  active.release(queue_id);
  for (std::string& next : active.promote()) {
    ctx.sim.schedule_in(Duration{}, [this, id = std::move(next)] { activate(id); });
  }
}

std::size_t& Mta::Impl::count_of(EntryState state) {
  if (state == EntryState::kActive) return counts.active;
  return state == EntryState::kDeferred ? counts.deferred : counts.incoming;
}

void Mta::Impl::set_state(QueueEntry& entry, EntryState state) {
  --count_of(entry.state);
  ++count_of(state);
  entry.state = state;
}

void Mta::Impl::remove_entry(QueueEntry& entry) {
  --count_of(entry.state);
  queue.erase(queue.find(entry.queue_id));  // by iterator: the key lives in the entry
}

// Postfix's smtpd refuses MAIL while the queue file system lacks space (reference §4).
smtp::Reply Mta::Impl::check_capacity() const {
  if (limits.capacity != 0 && queue.size() >= limits.capacity) {
    return smtp::make_reply(452, "4.3.1", "Insufficient system storage");
  }
  return smtp::make_reply(250, "2.1.0", "Ok");
}

void Mta::Impl::schedule(QueueEntry& entry, bool at_start) {
  const Time next = next_activation(config.retry, entry, queue_origin, ctx.sim.now(), at_start);
  ctx.sim.cancel(entry.wakeup);
  entry.wakeup = ctx.sim.schedule_at(next, [this, id = entry.queue_id] { activate(id); });
}

// A (re)started MTA scans its deferred queue at once; periodic scans count from now.
void Mta::Impl::restart_queue() {
  queue_origin = ctx.sim.now();
  // In queue-id order (the queue is a hash map): the events are scheduled, and so run at
  // equal times, in the same order in every run.
  std::vector<QueueEntry*> deferred;
  for (auto& [id, entry] : queue) {
    if (entry.state == EntryState::kDeferred) deferred.push_back(&entry);
  }
  std::sort(deferred.begin(), deferred.end(),
            [](const QueueEntry* a, const QueueEntry* b) { return a->queue_id < b->queue_id; });
  for (QueueEntry* entry : deferred) schedule(*entry, true);
}

Mta::Mta(MtaConfig config, MtaContext context)
    : impl_(std::make_unique<Impl>(std::move(config), context)) {}
Mta::~Mta() = default;

const MtaConfig& Mta::config() const { return impl_->config; }

void Mta::start() {
  Impl* impl = impl_.get();
  impl->restart_queue();
  impl->receive_side.listen();
}

void Mta::set_service_up(bool up) {
  if (up == impl_->service_up) return;
  impl_->service_up = up;
  if (up) {
    start();
  } else {
    impl_->receive_side.unlisten();
  }
  impl_->ctx.events.service_changed({impl_->config.name, up, impl_->ctx.sim.now()});
}

void Mta::set_degraded_reply(std::size_t index, bool in_force) {
  impl_->receive_side.set_degraded(index, in_force);
}

void Mta::submit(const smtp::Envelope& envelope, smtp::SharedMessage message,
                 std::string message_id) {
  const MessageNumber msg = impl_->ctx.catalog.add(
      {0, std::move(message_id), envelope.mail_from, envelope.rcpt_to, message->size(),
       impl_->config.name, impl_->ctx.sim.now(), MessageKind::kUser, 0, "local"},
      impl_->ctx.events);
  impl_->enqueue(impl_->next_queue_id(), msg, envelope, std::move(message), "");
}

QueueCounts Mta::queue_counts() const { return impl_->counts; }

const std::map<std::string, std::vector<std::string>>& Mta::mailboxes() const {
  return impl_->mailboxes;
}

void Mta::drop_mailbox_copies() {
  impl_->ctx.keep_mailboxes = false;
  impl_->mailboxes.clear();
}

}  // namespace mailsim::mta
