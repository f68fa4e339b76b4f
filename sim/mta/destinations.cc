#include "mta/destinations.h"

#include <algorithm>
#include <cassert>
#include <cstdint>
#include <utility>

namespace mailsim::mta {

int transaction_count(std::size_t recipients, int limit) {
  const auto step = static_cast<std::size_t>(limit);
  return recipients <= step ? 1 : static_cast<int>((recipients + step - 1) / step);
}

std::vector<DeliveryRequest> split_by_recipient_limit(DeliveryRequest request, int limit) {
  std::vector<DeliveryRequest> out;
  const std::size_t n = request.envelope.rcpt_to.size();
  const auto step = static_cast<std::size_t>(limit);
  if (n <= step) {  // one transaction: the request as it is
    out.push_back(std::move(request));
    return out;
  }
  out.reserve(static_cast<std::size_t>(transaction_count(n, limit)));
  for (std::size_t first = 0; first < n; first += step) {
    const std::size_t last = std::min(n, first + step);
    DeliveryRequest part = request;
    part.envelope.rcpt_to.assign(request.envelope.rcpt_to.begin() + first,
                                 request.envelope.rcpt_to.begin() + last);
    if (!request.envelope.rcpt_options.empty()) {  // else every recipient's are the defaults
      part.envelope.rcpt_options.assign(request.envelope.rcpt_options.begin() + first,
                                        request.envelope.rcpt_options.begin() + last);
    }
    out.push_back(std::move(part));
  }
  return out;
}

Destinations::Destinations(const DeliveryContext& context, const QueueLimits& limits,
                           std::map<std::string, RetryRecord>* host_retry)
    : context_(context), limits_(limits), host_retry_(host_retry) {
  context_.resend_after_452 = limits.style == SenderStyle::kExim;
}

std::string Destinations::host_key(std::string_view nexthop) const {
  return retry_record_key(context_.config.retry, FailureScope::kHost, nexthop, "", "");
}

Destinations::Id Destinations::intern(NextHop nexthop) {
  const Id id = nexthop.id;
  assert(id != UINT32_MAX && "a next hop without a number (a route that defers or bounces)");
  if (id >= destinations_.size()) destinations_.resize(id + 1);
  if (!destinations_[id]) {
    destinations_[id] = std::make_unique<Destination>(nexthop.name, limits_);
  }
  return id;
}

// Exim forks at most remote_max_parallel deliveries of one message at once (deliver.c,
// do_remote_deliveries); the others start, in order, as those end.
void Destinations::submit(NextHop nexthop, DeliveryRequest&& request, DeliveryDone&& done) {
  const Id id = intern(nexthop);
  Job job{std::move(request), std::move(done)};
  if (limits_.remote_max_parallel == 0) return submit_now(id, std::move(job));
  MessageDeliveries& m = by_message_[job.request.msg];
  if (m.running >= limits_.remote_max_parallel) {
    m.waiting.emplace_back(id, std::move(job));
    return;
  }
  ++m.running;
  const MessageNumber msg = job.request.msg;
  job.done = [this, msg, done = std::move(job.done)](const DeliveryResult& result) {
    done(result);
    message_delivery_done(msg);
  };
  submit_now(id, std::move(job));
}

void Destinations::message_delivery_done(MessageNumber msg) {
  MessageDeliveries& m = by_message_[msg];
  --m.running;
  if (m.waiting.empty()) {
    if (m.running == 0) by_message_.erase(msg);
    return;
  }
  auto [id, job] = std::move(m.waiting.front());
  m.waiting.pop_front();
  submit({id, destinations_[id]->name}, std::move(job.request), std::move(job.done));
}

void Destinations::submit_now(Id id, Job&& job) {
  Destination& d = *destinations_[id];
  job.request.nexthop = d.name;
  if (d.dead) return defer_now(d, std::move(job));
  // Exim forces an attempt for a message older than the last rule's cutoff, whatever
  // the host's retry time (retry_exim.cc).
  const auto* exim = std::get_if<EximRetry>(&context_.config.retry);
  if (host_retry_ != nullptr && exim != nullptr &&
      context_.sim.now() - job.request.arrival <= exim->rules.back().cutoff) {
    const auto it = host_retry_->find(host_key(d.name));
    if (it != host_retry_->end() && it->second.failures > 0 &&
        it->second.next_try > context_.sim.now()) {
      DeliveryResult result;
      result.not_tried = true;
      result.site_reason.assign("retry time not reached for any host for '");
      result.site_reason.append(d.name).append("'");
      const DeliveryRequest& request = job.request;
      context_.events.delivery_deferred(
          {request.msg, context_.network.topology().name(context_.config.host), std::string(d.name),
           context_.sim.now(), "retry_time", request.envelope.rcpt_to, 451, "4.4.1",
           result.site_reason});
      return defer_now(std::move(result), std::move(job));
    }
  }
  // With a session free and nobody waiting it starts at once, as start_pending() would
  // start it, without a stop in the list.
  if (d.pending.empty() && d.sessions < d.window.window()) return run(id, std::move(job));
  d.pending.push_back(std::move(job));
  start_pending(id);
}

void Destinations::start_pending(Id id) {
  Destination& d = *destinations_[id];
  while (!d.dead && !d.pending.empty() && d.sessions < d.window.window()) {
    Job job = std::move(d.pending.front());
    d.pending.pop_front();
    run(id, std::move(job));
  }
}

void Destinations::run(Id id, Job&& job) {
  Destination& d = *destinations_[id];
  ++d.sessions;
  job.keep_session = select(d);
  NextDelivery next;
  ParkSession park;
  if (limits_.connection_reuse) {
    next = [this, id](Time connected, int transactions) {
      return reuse(id, connected, transactions);
    };
  }
  if (limits_.connection_reuse && limits_.connection_cache_time > Duration{}) {
    park = [this, id](const CachedSession& s, Time connected, int transactions) {
      return this->park(id, s, connected, transactions);
    };
  }
  SessionEnded ended = [this, id] { session_ended(id); };
  if (d.cache_load) {
    if (std::optional<CachedSession> cached = take_cached(d)) {
      with_feedback(id, job);
      return resume_delivery(*cached, std::move(job), std::move(next), std::move(ended),
                             std::move(park));
    }
  }
  with_feedback(id, job);
  start_delivery(context_, std::move(job), std::move(next), std::move(ended), std::move(park));
}

// Postfix's qmgr_entry_select(), for a delivery selected now and counted in d.sessions:
// caching turns on (store and load) when a delivery to the destination ended within the
// last second, whole seconds of event_time() (back to back); saving turns off again when
// neither that holds nor another delivery runs; loading stays on. Returns whether this
// delivery may keep its session (DEL_REQ_FLAG_CONN_STORE). Other styles: always, when they
// reuse connections at all.
bool Destinations::select(Destination& d) {
  if (limits_.style != SenderStyle::kPostfix) return limits_.connection_reuse;
  const auto whole_seconds = [](Time t) { return t.ns() / 1'000'000'000; };
  const bool back_to_back =
      d.last_done && whole_seconds(context_.sim.now()) <= whole_seconds(*d.last_done) + 1;
  if (!d.cache_store) {
    if (back_to_back) d.cache_store = d.cache_load = true;
  } else if (!(d.sessions > 1 || back_to_back)) {
    d.cache_store = false;
  }
  return limits_.connection_reuse && d.cache_store;
}

// A session is over or cached: a delivery to the destination just ended. When nothing
// waits for it or runs to it, Postfix frees its in-core queue and with it the cache flags
// (qmgr_entry_done -> qmgr_queue_done; a dead one stays).
void Destinations::session_ended(Id id) {
  Destination& d = *destinations_[id];
  --d.sessions;
  d.last_done = context_.sim.now();
  if (d.sessions == 0 && d.pending.empty() && !d.dead) {
    d.cache_store = d.cache_load = false;
    d.last_done.reset();
  }
  start_pending(id);
}

bool Destinations::reusable(Time connected, int transactions) const {
  if (limits_.reuse_time_limit > Duration{} &&
      context_.sim.now() - connected >= limits_.reuse_time_limit) {
    return false;
  }
  return limits_.reuse_message_limit == 0 || transactions < limits_.reuse_message_limit;
}

// Postfix's smtp_save_session() into scache for smtp_connection_cache_time_limit; when the
// time is up scache closes it. A session past its reuse limits is not saved (QUIT).
bool Destinations::park(Id id, const CachedSession& session, Time connected, int transactions) {
  Destination& d = *destinations_[id];
  if (d.dead || !reusable(connected, transactions)) return false;
  const EventId expiry =
      context_.sim.schedule_in(limits_.connection_cache_time, [this, id, session] {
        auto& cached = destinations_[id]->cached;
        std::erase_if(cached, [&](const auto& c) { return c.first == session; });
        close_cached(session);
      });
  d.cached.emplace_back(session, expiry);
  return true;
}

// The session cached longest ago that the server has not closed meanwhile.
std::optional<CachedSession> Destinations::take_cached(Destination& d) {
  while (!d.cached.empty()) {
    auto [session, expiry] = std::move(d.cached.front());
    d.cached.pop_front();
    context_.sim.cancel(expiry);
    if (cached_alive(session)) return session;
  }
  return std::nullopt;
}

// The job's own `done` waits in a slot; the handler the delivery gets, in its place, names
// the slot.
void Destinations::with_feedback(Id id, Job& job) {
  std::uint32_t slot;
  if (free_slots_.empty()) {
    slot = static_cast<std::uint32_t>(running_done_.size());
    running_done_.push_back(std::move(job.done));
  } else {
    slot = free_slots_.back();
    free_slots_.pop_back();
    running_done_[slot] = std::move(job.done);
  }
  job.done = [this, id, slot](const DeliveryResult& result) { job_done(id, slot, result); };
}

void Destinations::job_done(Id id, std::uint32_t slot, const DeliveryResult& result) {
  DeliveryDone done = std::move(running_done_[slot]);
  running_done_[slot] = nullptr;
  free_slots_.push_back(slot);
  feedback(id, result);
  done(result);
  start_pending(id);  // the window may have grown
}

// Postfix's on-demand cache: the session goes on with a delivery waiting for its next hop
// (a backlog), within the reuse limits.
std::optional<DeliveryJob> Destinations::reuse(Id id, Time connected, int transactions) {
  Destination& d = *destinations_[id];
  if (d.dead || d.pending.empty() || !reusable(connected, transactions)) return std::nullopt;
  Job job = std::move(d.pending.front());
  d.pending.pop_front();
  d.last_done = context_.sim.now();  // the session's delivery has just ended
  job.keep_session = select(d);
  with_feedback(id, job);
  return job;
}

void Destinations::feedback(Id id, const DeliveryResult& result) {
  Destination& d = *destinations_[id];
  // Exim deletes a host's retry record when a delivery gets through to it.
  if (!result.site_failed && host_retry_ != nullptr) host_retry_->erase(host_key(d.name));
  if (!result.site_failed) return d.window.success();
  if (d.window.site_failure() && !d.dead) declare_dead(id, result);
}

// Postfix's qmgr_queue_throttle(): the destination is skipped for minimal_backoff_time;
// what waits for it is deferred with the reason of the failure that killed it.
void Destinations::declare_dead(Id id, const DeliveryResult& result) {
  Destination& d = *destinations_[id];
  d.dead = true;
  d.suspended = {};
  d.suspended.site_failed = true;
  d.suspended.site_reason = "delivery temporarily suspended: " + result.site_reason;
  for (Job& job : std::exchange(d.pending, {})) defer_now(d, std::move(job));
  context_.sim.schedule_in(limits_.dead_backoff, [this, id] {
    Destination& again = *destinations_[id];
    again.dead = false;
    again.window.reset();
    start_pending(id);
  });
}

// Every recipient deferred, no connection, no attempt; told after the current event.
// Postfix logs each such recipient as deferred, so the turn is told to the observers.
void Destinations::defer_now(Destination& d, Job&& job) {
  context_.events.delivery_deferred(
      {job.request.msg, context_.network.topology().name(context_.config.host), std::string(d.name),
       context_.sim.now(), "suspended", job.request.envelope.rcpt_to, 451, "4.4.1",
       d.suspended.site_reason});
  defer_now(d.suspended, std::move(job));
}

void Destinations::defer_now(DeliveryResult result, Job&& job) {
  for (const std::string& rcpt : job.request.envelope.rcpt_to) {
    result.recipients.push_back(
        {rcpt, RecipientOutcome::kDeferred, 451, "4.4.1", result.site_reason});
  }
  context_.sim.schedule_in(
      Duration{}, [done = std::move(job.done), result = std::move(result)] { done(result); });
}

}  // namespace mailsim::mta
