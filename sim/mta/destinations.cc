#include "mta/destinations.h"

#include <algorithm>
#include <utility>

namespace mailsim::mta {

std::vector<DeliveryRequest> split_by_recipient_limit(DeliveryRequest request, int limit) {
  std::vector<DeliveryRequest> out;
  const std::size_t n = request.envelope.rcpt_to.size();
  const auto step = static_cast<std::size_t>(limit);
  for (std::size_t first = 0; first < n; first += step) {
    const std::size_t last = std::min(n, first + step);
    DeliveryRequest part = request;
    part.envelope.rcpt_to.assign(request.envelope.rcpt_to.begin() + first,
                                 request.envelope.rcpt_to.begin() + last);
    part.envelope.rcpt_options.assign(request.envelope.rcpt_options.begin() + first,
                                      request.envelope.rcpt_options.begin() + last);
    out.push_back(std::move(part));
  }
  return out;
}

Destinations::Destinations(const DeliveryContext& context, const QueueLimits& limits,
                           std::map<std::string, RetryRecord>* host_retry)
    : context_(context), limits_(limits), host_retry_(host_retry) {
  context_.resend_after_452 = limits.style == SenderStyle::kExim;
}

std::string Destinations::host_key(const std::string& nexthop) const {
  return retry_record_key(context_.config.retry, FailureScope::kHost, nexthop, "", "");
}

Destinations::Destination& Destinations::destination(const std::string& nexthop) {
  return by_name_.try_emplace(nexthop, limits_).first->second;
}

// Exim forks at most remote_max_parallel deliveries of one message at once (deliver.c,
// do_remote_deliveries); the others start, in order, as those end.
void Destinations::submit(const std::string& nexthop, DeliveryRequest request, DeliveryDone done) {
  Job job{std::move(request), std::move(done)};
  if (limits_.remote_max_parallel == 0) return submit_now(nexthop, std::move(job));
  MessageDeliveries& m = by_message_[job.request.msg];
  if (m.running >= limits_.remote_max_parallel) {
    m.waiting.emplace_back(nexthop, std::move(job));
    return;
  }
  ++m.running;
  const MessageNumber msg = job.request.msg;
  job.done = [this, msg, done = std::move(job.done)](const DeliveryResult& result) {
    done(result);
    message_delivery_done(msg);
  };
  submit_now(nexthop, std::move(job));
}

void Destinations::message_delivery_done(MessageNumber msg) {
  MessageDeliveries& m = by_message_[msg];
  --m.running;
  if (m.waiting.empty()) {
    if (m.running == 0) by_message_.erase(msg);
    return;
  }
  auto [nexthop, job] = std::move(m.waiting.front());
  m.waiting.pop_front();
  submit(nexthop, std::move(job.request), std::move(job.done));
}

void Destinations::submit_now(const std::string& nexthop, Job job) {
  DeliveryRequest& request = job.request;
  request.nexthop = nexthop;
  DeliveryDone& done = job.done;
  Destination& d = destination(nexthop);
  if (d.dead) return defer_now(nexthop, d, {std::move(request), std::move(done)});
  // Exim forces an attempt for a message older than the last rule's cutoff, whatever
  // the host's retry time (retry_exim.cc).
  const auto* exim = std::get_if<EximRetry>(&context_.config.retry);
  if (host_retry_ != nullptr && exim != nullptr &&
      context_.sim.now() - request.arrival <= exim->rules.back().cutoff) {
    const auto it = host_retry_->find(host_key(nexthop));
    if (it != host_retry_->end() && it->second.failures > 0 &&
        it->second.next_try > context_.sim.now()) {
      DeliveryResult result;
      result.not_tried = true;
      result.site_reason = "retry time not reached for any host for '" + nexthop + "'";
      context_.events.delivery_deferred(
          {request.msg, context_.network.topology().name(context_.config.host), nexthop,
           context_.sim.now(), "retry_time", request.envelope.rcpt_to, 451, "4.4.1",
           result.site_reason});
      return defer_now(std::move(result), {std::move(request), std::move(done)});
    }
  }
  d.pending.push_back({std::move(request), std::move(done)});
  start_pending(nexthop);
}

int Destinations::sessions(const std::string& nexthop) const {
  const auto it = by_name_.find(nexthop);
  return it == by_name_.end() ? 0 : it->second.sessions;
}

std::size_t Destinations::waiting(const std::string& nexthop) const {
  const auto it = by_name_.find(nexthop);
  return it == by_name_.end() ? 0 : it->second.pending.size();
}

bool Destinations::dead(const std::string& nexthop) const {
  const auto it = by_name_.find(nexthop);
  return it != by_name_.end() && it->second.dead;
}

void Destinations::start_pending(const std::string& nexthop) {
  Destination& d = destination(nexthop);
  while (!d.dead && !d.pending.empty() && d.sessions < d.window.window()) {
    Job job = std::move(d.pending.front());
    d.pending.pop_front();
    run(nexthop, std::move(job));
  }
}

void Destinations::run(const std::string& nexthop, Job job) {
  Destination& d = destination(nexthop);
  ++d.sessions;
  job.keep_session = select(d);
  NextDelivery next;
  ParkSession park;
  if (limits_.connection_reuse) {
    next = [this, nexthop](Time connected, int transactions) {
      return reuse(nexthop, connected, transactions);
    };
  }
  if (limits_.connection_reuse && limits_.connection_cache_time > Duration{}) {
    park = [this, nexthop](const CachedSession& s, Time connected, int transactions) {
      return this->park(nexthop, s, connected, transactions);
    };
  }
  SessionEnded ended = [this, nexthop] { session_ended(nexthop); };
  if (d.cache_load) {
    if (std::optional<CachedSession> cached = take_cached(d)) {
      return resume_delivery(*cached, with_feedback(nexthop, std::move(job)), std::move(next),
                             std::move(ended), std::move(park));
    }
  }
  start_delivery(context_, with_feedback(nexthop, std::move(job)), std::move(next),
                 std::move(ended), std::move(park));
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
void Destinations::session_ended(const std::string& nexthop) {
  Destination& d = destination(nexthop);
  --d.sessions;
  d.last_done = context_.sim.now();
  if (d.sessions == 0 && d.pending.empty() && !d.dead) {
    d.cache_store = d.cache_load = false;
    d.last_done.reset();
  }
  start_pending(nexthop);
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
bool Destinations::park(const std::string& nexthop, const CachedSession& session, Time connected,
                        int transactions) {
  Destination& d = destination(nexthop);
  if (d.dead || !reusable(connected, transactions)) return false;
  const EventId expiry =
      context_.sim.schedule_in(limits_.connection_cache_time, [this, nexthop, session] {
        auto& cached = destination(nexthop).cached;
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

DeliveryJob Destinations::with_feedback(const std::string& nexthop, Job job) {
  return {std::move(job.request),
          [this, nexthop, done = std::move(job.done)](const DeliveryResult& result) {
            feedback(nexthop, result);
            done(result);
            start_pending(nexthop);  // the window may have grown
          },
          job.keep_session};
}

// Postfix's on-demand cache: the session goes on with a delivery waiting for its next hop
// (a backlog), within the reuse limits.
std::optional<DeliveryJob> Destinations::reuse(const std::string& nexthop, Time connected,
                                               int transactions) {
  Destination& d = destination(nexthop);
  if (d.dead || d.pending.empty() || !reusable(connected, transactions)) return std::nullopt;
  Job job = std::move(d.pending.front());
  d.pending.pop_front();
  d.last_done = context_.sim.now();  // the session's delivery has just ended
  job.keep_session = select(d);
  return with_feedback(nexthop, std::move(job));
}

void Destinations::feedback(const std::string& nexthop, const DeliveryResult& result) {
  Destination& d = destination(nexthop);
  // Exim deletes a host's retry record when a delivery gets through to it.
  if (!result.site_failed && host_retry_ != nullptr) host_retry_->erase(host_key(nexthop));
  if (!result.site_failed) return d.window.success();
  if (d.window.site_failure() && !d.dead) declare_dead(nexthop, result);
}

// Postfix's qmgr_queue_throttle(): the destination is skipped for minimal_backoff_time;
// what waits for it is deferred with the reason of the failure that killed it.
void Destinations::declare_dead(const std::string& nexthop, const DeliveryResult& result) {
  Destination& d = destination(nexthop);
  d.dead = true;
  d.suspended = {};
  d.suspended.site_failed = true;
  d.suspended.site_reason = "delivery temporarily suspended: " + result.site_reason;
  for (Job& job : std::exchange(d.pending, {})) defer_now(nexthop, d, std::move(job));
  context_.sim.schedule_in(limits_.dead_backoff, [this, nexthop] {
    Destination& again = destination(nexthop);
    again.dead = false;
    again.window.reset();
    start_pending(nexthop);
  });
}

// Every recipient deferred, no connection, no attempt; told after the current event.
// Postfix logs each such recipient as deferred, so the turn is told to the observers.
void Destinations::defer_now(const std::string& nexthop, Destination& d, Job job) {
  context_.events.delivery_deferred(
      {job.request.msg, context_.network.topology().name(context_.config.host), nexthop,
       context_.sim.now(), "suspended", job.request.envelope.rcpt_to, 451, "4.4.1",
       d.suspended.site_reason});
  defer_now(d.suspended, std::move(job));
}

void Destinations::defer_now(DeliveryResult result, Job job) {
  for (const std::string& rcpt : job.request.envelope.rcpt_to) {
    result.recipients.push_back(
        {rcpt, RecipientOutcome::kDeferred, 451, "4.4.1", result.site_reason});
  }
  context_.sim.schedule_in(
      Duration{}, [done = std::move(job.done), result = std::move(result)] { done(result); });
}

}  // namespace mailsim::mta
