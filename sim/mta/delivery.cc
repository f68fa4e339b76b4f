#include "mta/delivery.h"

#include <string>
#include <utility>
#include <vector>

#include "mta/delivery_session.h"
#include "mta/host_memory.h"

namespace mailsim::mta {

namespace {

const std::string& node_name(const DeliveryContext& c, net::NodeId n) {
  return c.network.topology().name(n);
}

}  // namespace

void Delivery::try_host(std::size_t index) {
  index_ = index;
  host_ = {};
  ++session_number_;
  lost_ = false;
  finished_ = false;
  transactions_ = 0;
  replied_at_ = smtp::ClientStage::kGreeting;
  new_attempt(request_.hosts[index].node);
  if (ctx_.hosts != nullptr) {
    if (auto reason = ctx_.hosts->skipped(request_.hosts[index].name, sim_.now())) {
      return skip_host(*reason);
    }
  }
  ctx_.network.connect(
      ctx_.config.host, request_.hosts[index].node, 25, ctx_.config.timeouts.connect,
      [self = this, index](net::ConnectResult r) { self->on_connect(index, std::move(r)); },
      shared_from_this());
}

void Delivery::skip_host(const std::string& reason) {
  site_reason_ = reason;
  if (index_ + 1 < request_.hosts.size()) return try_host(index_ + 1);
  finished_ = true;
  if (!connect_tried_) {  // a turn deferred without connecting (reference §2)
    ctx_.events.delivery_deferred(
        {request_.msg, node_name(ctx_, ctx_.config.host), std::string(request_.nexthop), sim_.now(),
         ctx_.hosts->skip_kind(), request_.envelope.rcpt_to, 451, "4.4.1", reason});
  }
  std::vector<AttemptRecipient> deferred;
  for (const std::string& rcpt : request_.envelope.rcpt_to) {
    deferred.push_back({rcpt, RecipientOutcome::kDeferred, 451, "4.4.1", reason});
  }
  complete(std::move(deferred));
  ended_();
}

void Delivery::on_connect(std::size_t index, net::ConnectResult result) {
  connect_tried_ = true;
  if (ctx_.hosts != nullptr) {
    ctx_.hosts->connect_result(request_.hosts[index].name, result.status, sim_.now());
  }
  if (result.status != net::ConnectStatus::kConnected) {
    const bool refused = result.status == net::ConnectStatus::kRefused;
    const std::string_view host = request_.hosts[index].name;
    report(refused ? AttemptOutcome::kConnRefused : AttemptOutcome::kConnTimeout,
           smtp::make_reply(451, "4.4.1",
                            "connect to " + std::string(host) + ":25: " +
                                (refused ? "Connection refused" : "Connection timed out")));
    site_reason_ = attempt_.text;
    if (index + 1 < request_.hosts.size()) return try_host(index + 1);
    finished_ = true;
    complete(std::move(attempt_.recipients));  // every recipient deferred
    return ended_();
  }
  connection_ = std::move(result.connection);
  connected_at_ = sim_.now();
  host_ = request_.hosts[index].name;
  connected_node_ = request_.hosts[index].node;
  session_.emplace(smtp::ClientConfig{ctx_.config.hostname, ctx_.config.client_auth, transcripts_});
  // The session keeps the envelope: moving on to a later host reads it back from there.
  job_ = session_->add_message(std::move(request_.envelope), request_.message);
  // The connection's handlers keep the delivery alive (their owner) until finish_session()
  // drops them, and point at it: a plain pointer std::function holds without allocating.
  connection_->set_handlers(net::Side::kClient,
                            {[self = this, n = session_number_](std::string_view bytes) {
                               if (!self->current(n) || self->parked_) return;
                               // The stage a failure came in: QUIT's reply does not count.
                               if (!self->session_->done()) {
                                 self->replied_at_ = self->session_->stage();
                               }
                               self->session_->receive(bytes);
                               self->pump();
                             },
                             [self = this, n = session_number_] {
                               if (!self->current(n)) return;
                               if (self->parked_) return self->close_idle();  // gone from the cache
                               self->lose_session(false);
                               self->session_->connection_lost();
                               self->finish_session();
                             },
                             {},
                             shared_from_this()});
  arm_timer();
}

// What the session has to send goes as one message, however many pieces the message data
// comes in (a synthetic body's filler as a virtual span).
void Delivery::pump() {
  take_transcript();
  if (!session_->done() && session_->stage() == smtp::ClientStage::kIdle &&
      session_->result(job_).complete) {
    hand_over();
  }
  if (Payload out = session_->take_all_output(); !out.empty()) {
    attempt_.bytes += out.size();
    connection_->send(net::Side::kClient, std::move(out));
  }
  take_transcript();
  if (!parked_) arm_timer();
}

void Delivery::take_transcript() {
  if (!transcripts_) return;  // the session keeps none
  for (auto& line : session_->take_transcript()) {
    attempt_.transcript.push_back({sim_.now(), line.direction, std::move(line.text)});
  }
}

// The previous attempt's row is reset field by field rather than replaced, so that its
// strings keep their buffers for this one (the observers copy what they keep).
void Delivery::new_attempt(net::NodeId node) {
  attempt_.msg = request_.msg;
  attempt_.from_node = node_name(ctx_, ctx_.config.host);
  attempt_.to_node = node_name(ctx_, node);
  attempt_.started = sim_.now();
  attempt_.ended = Time{};
  attempt_.outcome = AttemptOutcome::kDeferred;
  attempt_.code = 0;
  attempt_.enhanced.clear();
  attempt_.text.clear();
  attempt_.bytes = 0;
  attempt_.recipients.clear();
  attempt_.transcript.clear();
}

// The reply timer for the stage the session waits in now. A reply pushes the deadline
// later nearly every time, so the pending event is left where it is and only moved when
// the deadline comes earlier: when it fires before the deadline it schedules itself again
// (on_timer). That saves a cancelled event per reply in the engine's queue. Ties: the timer
// that fires at its deadline was scheduled when it last fired early, so events scheduled
// for the same instant before then run first (with a fresh timer per reply, only those
// scheduled before the last reply did).
void Delivery::arm_timer() {
  const smtp::ClientStage stage = session_->stage();
  const Duration limit = stage == smtp::ClientStage::kData       ? data_init_timeout_
                         : stage == smtp::ClientStage::kDataBody ? data_done_timeout_
                                                                 : command_timeout_;
  deadline_ = sim_.now() + limit;
  if (sim_.is_pending(timer_) && timer_due_ <= deadline_) return;
  sim_.cancel(timer_);
  schedule_timer();
}

void Delivery::schedule_timer() {
  timer_due_ = deadline_;
  timer_ = sim_.schedule_at(deadline_, [weak = weak_from_this(), n = session_number_] {
    if (auto self = weak.lock(); self && self->current(n)) self->on_timer();
  });
}

void Delivery::on_timer() {
  if (sim_.now() < deadline_) return schedule_timer();  // a reply came meanwhile
  lose_session(true);
  session_->timed_out();
  pump();
  finish_session();
}

// The connection broke or the stage timed out: the failure came in the stage the session
// was waiting in (QUIT's does not count).
void Delivery::lose_session(bool timed_out) {
  if (session_->done()) return;
  lost_ = true;
  timed_out_ = timed_out;
  replied_at_ = session_->stage();
}

// After QUIT the client waits for the server to close (after its 221) or for the timer.
void Delivery::finish_session() {
  sim_.cancel(timer_);
  connection_->close(net::Side::kClient);
  const smtp::ClientResult& r = session_->result(job_);
  take_transcript();
  if (moves_on(r)) return move_on(r);
  finish_job(r);
  finished_ = true;
  // Handlers may be running now: drop them (and with them this delivery) afterwards.
  sim_.schedule_in(
      Duration{}, [connection = connection_] { connection->set_handlers(net::Side::kClient, {}); });
  complete(std::move(attempt_.recipients));
  ended_();
}

// The job's attempt row and its recipients' outcomes.
void Delivery::finish_job(const smtp::ClientResult& r) {
  AttemptOutcome outcome = AttemptOutcome::kRejected;
  if (r.message_sent) {
    outcome = AttemptOutcome::kSent;
  } else if (lost_) {
    outcome = AttemptOutcome::kLost;
  } else {
    for (const auto& rr : r.recipients) {
      if (rr.status == smtp::RecipientStatus::kDeferred) outcome = AttemptOutcome::kDeferred;
    }
  }
  attempt_.recipients.reserve(attempt_.recipients.size() + r.recipients.size());
  const std::vector<std::string>& rcpt_to = session_->envelope(job_).rcpt_to;
  for (std::size_t i = 0; i < r.recipients.size(); ++i) {
    const smtp::RecipientStatus status = r.recipients[i].status;
    const smtp::Reply& reply = r.reply_of(i);
    const RecipientOutcome o =
        status == smtp::RecipientStatus::kAccepted   ? RecipientOutcome::kAccepted
        : status == smtp::RecipientStatus::kRejected ? RecipientOutcome::kRejected
                                                     : RecipientOutcome::kDeferred;
    attempt_.recipients.emplace_back(rcpt_to[i], o, reply.code, reply.enhanced, reply.plain_text());
  }
  report(outcome, r.last_reply);
  site_reason_ = site_level(r) ? said(r.last_reply) : std::string();
}

// Why the session failed, in Postfix's words: the server's reply ("host H said: ..."), or
// for a timeout or a lost connection (smtp_stream_except) what the client was doing.
std::string Delivery::said(const smtp::Reply& reply) const {
  if (lost_) {
    using smtp::ClientStage;
    const std::string where = replied_at_ == ClientStage::kGreeting
                                  ? "receiving the initial server greeting"
                              : replied_at_ == ClientStage::kEhlo ? "performing the EHLO handshake"
                              : replied_at_ == ClientStage::kHelo ? "performing the HELO handshake"
                                                                  : "talking to the server";
    const std::string host(host_);
    return timed_out_ ? "conversation with " + host + " timed out while " + where
                      : "lost connection with " + host + " while " + where;
  }
  return "host " + std::string(host_) + " said: " + std::to_string(reply.code) + " " +
         (reply.enhanced.empty() ? "" : reply.enhanced + " ") + reply.plain_text();
}

// A site-level failure (reference §2): the session ended in the greeting or EHLO/HELO, by
// the server's reply, a timeout or a lost connection. Postfix's smtp_trouble.c throttles the
// destination for any of them while nothing was delivered (a timeout takes the same path as
// a refused greeting), as it does for a failed connect.
bool Delivery::site_level(const smtp::ClientResult& r) const {
  using smtp::ClientStage;
  const bool early = replied_at_ == ClientStage::kGreeting || replied_at_ == ClientStage::kEhlo ||
                     replied_at_ == ClientStage::kHelo;
  return !r.message_sent && early && !r.last_reply.is_positive();
}

// A timeout or a lost connection in the greeting or EHLO moves on like a refusal there
// (smtp_bulk_fail keeps soft-failed recipients for the next server); later ones do not.
bool Delivery::moves_on(const smtp::ClientResult& r) const {
  if (index_ + 1 >= request_.hosts.size() || r.message_sent) return false;
  return site_level(r) || (!lost_ && r.last_reply.code == 421);
}

// The recipients the session's failure decided go to the next host; those the server
// decided one by one (a 5xx or 4xx to RCPT) keep their reply.
void Delivery::move_on(const smtp::ClientResult& r) {
  const smtp::Envelope& sent = session_->envelope(job_);
  smtp::Envelope next = sent.without_recipients();
  for (std::size_t i = 0; i < r.recipients.size(); ++i) {
    const smtp::Reply& reply = r.reply_of(i);
    const bool by_failure = reply.code == r.last_reply.code && reply.lines == r.last_reply.lines;
    if (by_failure) {
      next.rcpt_to.push_back(sent.rcpt_to[i]);
      next.rcpt_options.push_back(sent.options_of(i));
      attempt_.recipients.push_back({sent.rcpt_to[i], RecipientOutcome::kDeferred, reply.code,
                                     reply.enhanced, reply.plain_text()});
    } else {
      const RecipientOutcome o = r.recipients[i].status == smtp::RecipientStatus::kRejected
                                     ? RecipientOutcome::kRejected
                                     : RecipientOutcome::kDeferred;
      attempt_.recipients.push_back(
          {sent.rcpt_to[i], o, reply.code, reply.enhanced, reply.plain_text()});
      decided_.push_back(attempt_.recipients.back());
    }
  }
  report(lost_ ? AttemptOutcome::kLost : AttemptOutcome::kDeferred, r.last_reply);
  finished_ = true;
  site_reason_ = said(r.last_reply);
  sim_.schedule_in(
      Duration{}, [connection = connection_] { connection->set_handlers(net::Side::kClient, {}); });
  request_.envelope = std::move(next);
  try_host(index_ + 1);
}

// The result lists every recipient of the request: those earlier hosts decided for good,
// then the last host's.
void Delivery::complete(std::vector<AttemptRecipient> last) {
  DeliveryResult result{std::exchange(decided_, {}), host_, lost_, !site_reason_.empty(), {}};
  if (finished_) {  // nothing reads it again; a session going on may (adopt)
    result.site_reason = std::move(site_reason_);
  } else {
    result.site_reason = site_reason_;
  }
  if (result.recipients.empty()) {
    result.recipients = std::move(last);
  } else {
    for (AttemptRecipient& a : last) result.recipients.push_back(std::move(a));
  }
  std::exchange(done_, {})(result);
}

void Delivery::report(AttemptOutcome outcome, const smtp::Reply& reply) {
  attempt_.ended = sim_.now();
  attempt_.outcome = outcome;
  attempt_.code = reply.code;
  attempt_.enhanced = reply.enhanced;
  attempt_.text = reply.plain_text();
  if (attempt_.recipients.empty()) {
    for (const auto& rcpt : request_.envelope.rcpt_to) {
      attempt_.recipients.push_back(
          {rcpt, RecipientOutcome::kDeferred, reply.code, reply.enhanced, attempt_.text});
    }
  }
  ctx_.events.attempt_finished(attempt_);
}

void start_delivery(const DeliveryContext& context, DeliveryJob&& first, NextDelivery&& next,
                    SessionEnded&& ended, ParkSession&& park) {
  auto delivery = std::make_shared<Delivery>(context, std::move(first), std::move(next),
                                             std::move(ended), std::move(park));
  delivery->try_host(0);
}

}  // namespace mailsim::mta
