// One pass of a queue entry through the active queue (mta_impl.h): its activation, the
// routing of its recipients, the deliveries by next hop and their results, then the
// retry law's verdicts, the bounce and the delay warning that end the pass.
#include <algorithm>
#include <cassert>
#include <string>
#include <utility>
#include <vector>

#include "mta/mta_impl.h"

namespace mailsim::mta {

void Mta::Impl::activate(QueueNumber number) {
  const auto it = queue.find(number);
  if (it == queue.end()) return;
  QueueEntry& entry = it->second;
  entry.wakeup = {};
  if (!running()) {
    // Nothing runs while the service or its host is down; restart_queue() looks again.
    set_state(entry, EntryState::kDeferred);
    return release_place(number);
  }
  const Time now = ctx.sim.now();
  if (now >= give_up_deadline(config.retry, entry.arrival)) return expire(entry);
  bool any = false;
  for (QueuedRecipient& r : entry.rcpts) {
    r.in_attempt = !r.done && r.due <= now + scheduler.tolerance;
    any = any || r.in_attempt;
  }
  if (!any) {
    release_place(number);
    return schedule(entry, false);
  }
  if (!active.admit(number)) return;  // release_place() calls it again
  set_state(entry, EntryState::kActive);
  entry.attempt_started = now;
  const Duration delay = ctx.resolver.lookup_delay();
  if (delay == Duration{}) return route_and_deliver(entry);
  ctx.sim.schedule_in(delay, [this, number] {
    if (auto e = queue.find(number); e != queue.end()) route_and_deliver(e->second);
  });
}

void Mta::Impl::route_and_deliver(QueueEntry& entry) {
  NextHopGroups& groups = next_hop_groups;
  // Shared by the MTA's passes: safe because a pass never starts another (activate and
  // release_place schedule theirs).
  assert(groups.empty());
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
        r.nexthop = {};  // its retry key is its domain (retry_nexthop)
        ctx.events.delivery_deferred({entry.msg,
                                      host_name(),
                                      std::string(d.nexthop),
                                      ctx.sim.now(),
                                      "dns",
                                      {r.address},
                                      d.reply.code,
                                      d.reply.enhanced,
                                      std::string(d.reply.lines.front())});
        break;
      case RouteKind::kRemote: {
        r.nexthop = d.nexthop;
        // In next-hop order: the first group not before this next hop is its own or the
        // place for it.
        auto it = std::find_if(groups.begin(), groups.end(),
                               [&](const auto& g) { return g.first.name >= r.nexthop; });
        if (it == groups.end() || it->first.id != d.nexthop_id) {
          // MAIL FROM and its parameters
          it = groups.emplace(it, NextHop{d.nexthop_id, r.nexthop},
                              DeliveryRequest{.envelope = entry.envelope});
        }
        DeliveryRequest& g = it->second;
        g.hosts = std::move(d.hosts);
        // rcpt_options stays empty while every recipient has default options (Envelope), as
        // the server keeps it: most mail asks for none.
        if (r.options != smtp::RecipientOptions{} || !g.envelope.rcpt_options.empty()) {
          g.envelope.rcpt_options.resize(g.envelope.rcpt_to.size());
          g.envelope.rcpt_options.push_back(r.options);
        }
        g.envelope.rcpt_to.push_back(r.address);
        break;
      }
    }
  }
  start_deliveries(entry, groups);
  groups.clear();
}

// One delivery per next hop and recipient_limit's share of its recipients, in next-hop
// order. The entry counts them all before the first starts: one may end at once.
void Mta::Impl::start_deliveries(QueueEntry& entry, NextHopGroups& groups) {
  int count = 0;
  for (auto& [nexthop, request] : groups) {
    request.msg = entry.msg;
    request.message = entry.message;
    request.arrival = entry.arrival;
    count += transaction_count(request.envelope.rcpt_to.size(), limits.recipient_limit);
  }
  entry.deliveries_in_flight = count;
  if (count == 0) return settle(entry);
  // `entry` may be gone once the last has started (with the next hops its recipients
  // hold, which only the starts before it read).
  const QueueNumber number = entry.number;
  const auto start = [this, number](NextHop nexthop, DeliveryRequest&& request) {
    destinations.submit(nexthop, std::move(request), [this, number](const DeliveryResult& result) {
      delivery_done(number, result);
    });
  };
  for (auto& [nexthop, request] : groups) {
    if (transaction_count(request.envelope.rcpt_to.size(), limits.recipient_limit) == 1) {
      start(nexthop, std::move(request));  // as it is, as splitting would leave it
      continue;
    }
    for (DeliveryRequest& part :
         split_by_recipient_limit(std::move(request), limits.recipient_limit)) {
      start(nexthop, std::move(part));
    }
  }
}

void Mta::Impl::deliver_local(QueueEntry& entry, QueuedRecipient& r) {
  if (!router.has_mailbox(r.address)) {
    r.remote_mta.clear();
    return finalize(
        entry, r, FinalStatus::kBounced,
        smtp::make_reply(550, "5.1.1",
                         "<" + r.address + ">: Recipient address rejected: User unknown"));
  }
  std::string headers;
  if (ctx.keep_mailboxes || ctx.events.delivered_headers) {
    const std::string& from = entry.envelope.mail_from;
    headers.reserve(17 + from.size() + entry.message->header().size());
    headers.append("Return-Path: <").append(from).append(">\r\n").append(entry.message->header());
  }
  if (ctx.keep_mailboxes) mailboxes[local_part_of(r.address)].push_back(headers);
  r.done = true;
  ctx.events.recipient_final({entry.msg, r.address, FinalStatus::kDelivered, host_name(),
                              ctx.sim.now(), 250, "2.0.0 delivered to mailbox",
                              ctx.events.delivered_headers ? headers : std::string_view()});
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

void Mta::Impl::delivery_done(QueueNumber number, const DeliveryResult& result) {
  const auto it = queue.find(number);
  if (it == queue.end()) return;
  QueueEntry& entry = it->second;
  for (const AttemptRecipient& res : result.recipients) {
    for (QueuedRecipient& r : entry.rcpts) {
      if (r.done || r.address != res.rcpt) continue;
      r.last_attempt = ctx.sim.now();
      if (res.outcome == RecipientOutcome::kAccepted) {
        // Relayed: the next hop has it now. Its remote_mta is left as it was: only the
        // failure and delay notices read it (bounce.cc), and a done recipient gets neither.
        r.done = true;
        continue;
      }
      // A refusal is always the server's; a deferral may be the client's own 451.
      const bool remote = res.outcome == RecipientOutcome::kRejected || !result.session_lost;
      if (remote) {
        r.remote_mta = result.remote_mta;
      } else {
        r.remote_mta.clear();
      }
      if (res.outcome == RecipientOutcome::kRejected) {
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
  release_place(entry.number);
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
  release_place(entry.number);
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
  const QueueNumber number = next_queue_number();
  std::string id = queue_id(number);
  Notification n = make_notification(kind, entry, std::move(recipients),
                                     {config.hostname, id, ctx.sim.now(), ctx.epoch_unix_seconds});
  const MessageKind message_kind =
      kind == smtp::DsnKind::kBounce ? MessageKind::kBounce : MessageKind::kWarning;
  const MessageNumber msg =
      ctx.catalog.add({0, n.message_id, "", n.envelope.rcpt_to, n.message->size(), config.name,
                       ctx.sim.now(), message_kind, entry.msg},
                      ctx.events);
  enqueue(number, std::move(id), msg, std::move(n.envelope), std::move(n.message), "");
}

}  // namespace mailsim::mta
