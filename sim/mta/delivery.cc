#include "mta/delivery.h"

#include <string>
#include <utility>
#include <vector>

#include "mta/host_memory.h"

namespace mailsim::mta {

namespace {

class Delivery : public std::enable_shared_from_this<Delivery> {
 public:
  Delivery(const DeliveryContext& context, DeliveryJob first, NextDelivery next, SessionEnded ended)
      : ctx_(context),
        request_(std::move(first.request)),
        done_(std::move(first.done)),
        next_(std::move(next)),
        ended_(std::move(ended)) {}

  void try_host(std::size_t index);

 private:
  void on_connect(std::size_t index, net::ConnectResult result);
  void pump();
  void take_transcript();
  void hand_over();
  void finish_job(const smtp::ClientResult& r);
  void new_attempt(std::size_t index);
  void skip_host(const std::string& reason);
  void arm_timer();
  void finish_session();
  bool site_level(const smtp::ClientResult& r) const;
  std::string said(const smtp::Reply& reply) const;
  bool moves_on(const smtp::ClientResult& r) const;
  void move_on(const smtp::ClientResult& r);
  void report(AttemptOutcome outcome, const smtp::Reply& reply);
  void complete(std::vector<AttemptRecipient> last);

  DeliveryContext ctx_;
  DeliveryRequest request_;
  DeliveryDone done_;
  NextDelivery next_;
  SessionEnded ended_;
  AttemptFinished attempt_;
  std::size_t job_ = 0;  // the session's transaction for request_
  Time connected_at_;
  int transactions_ = 0;  // carried by this session
  std::unique_ptr<smtp::ClientSession> session_;
  std::shared_ptr<net::Connection> connection_;
  std::string host_;        // the connected host's DNS name
  std::size_t index_ = 0;   // of the host tried now
  int session_number_ = 0;  // handlers of an earlier host's session ignore what they get
  smtp::ClientStage replied_at_ = smtp::ClientStage::kGreeting;  // before the last reply
  std::vector<AttemptRecipient> decided_;                        // by earlier hosts, for good
  std::string site_reason_;  // why the last host failed at the site level; "" once past EHLO
  EventId timer_;
  bool lost_ = false;
  bool finished_ = false;
};

// The reply's text lines without code or enhanced code (those have columns of their own).
std::string plain_text(const smtp::Reply& r) {
  std::string out;
  for (const std::string& line : r.lines) out += (out.empty() ? "" : " ") + line;
  return out;
}

const std::string& node_name(const DeliveryContext& c, net::NodeId n) {
  return c.network.topology().name(n);
}

void Delivery::try_host(std::size_t index) {
  index_ = index;
  host_.clear();
  ++session_number_;
  lost_ = false;
  finished_ = false;
  transactions_ = 0;
  new_attempt(index);
  if (ctx_.hosts != nullptr) {
    if (auto reason = ctx_.hosts->skipped(request_.hosts[index].name, ctx_.sim.now())) {
      return skip_host(*reason);
    }
  }
  ctx_.network.connect(ctx_.config.host, request_.hosts[index].node, 25,
                       ctx_.config.timeouts.connect,
                       [self = shared_from_this(), index](net::ConnectResult r) {
                         self->on_connect(index, std::move(r));
                       });
}

void Delivery::skip_host(const std::string& reason) {
  site_reason_ = reason;
  if (index_ + 1 < request_.hosts.size()) return try_host(index_ + 1);
  finished_ = true;
  std::vector<AttemptRecipient> deferred;
  for (const std::string& rcpt : request_.envelope.rcpt_to) {
    deferred.push_back({rcpt, RecipientOutcome::kDeferred, 451, "4.4.1", reason});
  }
  complete(std::move(deferred));
  ended_();
}

void Delivery::on_connect(std::size_t index, net::ConnectResult result) {
  if (ctx_.hosts != nullptr) {
    ctx_.hosts->connect_result(request_.hosts[index].name, result.status, ctx_.sim.now());
  }
  if (result.status != net::ConnectStatus::kConnected) {
    const bool refused = result.status == net::ConnectStatus::kRefused;
    const std::string& host = request_.hosts[index].name;
    report(refused ? AttemptOutcome::kConnRefused : AttemptOutcome::kConnTimeout,
           smtp::make_reply(451, "4.4.1",
                            "connect to " + host + ":25: " +
                                (refused ? "Connection refused" : "Connection timed out")));
    site_reason_ = attempt_.text;
    if (index + 1 < request_.hosts.size()) return try_host(index + 1);
    finished_ = true;
    complete(std::move(attempt_.recipients));  // every recipient deferred
    return ended_();
  }
  connection_ = std::move(result.connection);
  connected_at_ = ctx_.sim.now();
  host_ = request_.hosts[index].name;
  session_ = std::make_unique<smtp::ClientSession>(
      smtp::ClientConfig{ctx_.config.hostname, ctx_.config.client_auth});
  job_ = session_->add_message(request_.envelope, request_.message);
  // The connection's handlers keep the delivery alive until finish_session() drops them.
  auto self = shared_from_this();
  const int n = session_number_;
  const auto current = [self, n] { return !self->finished_ && n == self->session_number_; };
  connection_->set_handlers(net::Side::kClient, {[self, current](std::string_view bytes) {
                                                   if (!current()) return;
                                                   // The stage a failure came in: QUIT's
                                                   // reply does not count.
                                                   if (!self->session_->done()) {
                                                     self->replied_at_ = self->session_->stage();
                                                   }
                                                   self->session_->receive(bytes);
                                                   self->pump();
                                                 },
                                                 [self, current] {
                                                   if (!current()) return;
                                                   if (!self->session_->done()) self->lost_ = true;
                                                   self->session_->connection_lost();
                                                   self->finish_session();
                                                 }});
  arm_timer();
}

// What the session has to send goes as one message, however many pieces the message data
// comes in. The pieces are joined into a string of exactly their size: the network holds
// it until it is delivered, and growing it by doubling could hold twice that.
void Delivery::pump() {
  take_transcript();
  if (!session_->done() && session_->stage() == smtp::ClientStage::kIdle &&
      session_->result(job_).complete) {
    hand_over();
  }
  std::vector<std::string> pieces;
  std::size_t size = 0;
  for (std::string piece; !(piece = session_->take_output()).empty();) {
    size += piece.size();
    pieces.push_back(std::move(piece));
  }
  std::string out;
  out.reserve(size);
  for (const std::string& piece : pieces) out += piece;
  pieces.clear();
  if (!out.empty()) {
    attempt_.bytes += static_cast<std::int64_t>(out.size());
    connection_->send(net::Side::kClient, std::move(out));
  }
  take_transcript();
  arm_timer();
}

void Delivery::take_transcript() {
  for (auto& line : session_->take_transcript()) {
    attempt_.transcript.push_back({ctx_.sim.now(), line.direction, std::move(line.text)});
  }
}

void Delivery::new_attempt(std::size_t index) {
  attempt_ = AttemptFinished{};
  attempt_.msg = request_.msg;
  attempt_.from_node = node_name(ctx_, ctx_.config.host);
  attempt_.to_node = node_name(ctx_, request_.hosts[index].node);
  attempt_.started = ctx_.sim.now();
}

// The transaction is over and the session idle: the next delivery the owner hands over
// goes over it (its attempt starts now, with the RSET), or the session ends with QUIT.
void Delivery::hand_over() {
  ++transactions_;
  std::optional<DeliveryJob> next = next_ ? next_(connected_at_, transactions_) : std::nullopt;
  if (!next) return session_->finish();
  finish_job(session_->result(job_));
  complete(std::move(attempt_.recipients));
  request_ = std::move(next->request);
  done_ = std::move(next->done);
  new_attempt(index_);
  session_->reset_before_next();
  job_ = session_->add_message(request_.envelope, request_.message);
}

void Delivery::arm_timer() {
  ctx_.sim.cancel(timer_);
  const TimeoutConfig& t = ctx_.config.timeouts;
  const Duration limit = session_->stage() == smtp::ClientStage::kData       ? t.data_init
                         : session_->stage() == smtp::ClientStage::kDataBody ? t.data_done
                                                                             : t.command;
  std::weak_ptr<Delivery> weak = shared_from_this();
  timer_ = ctx_.sim.schedule_in(limit, [weak, n = session_number_] {
    if (auto self = weak.lock(); self && !self->finished_ && n == self->session_number_) {
      if (!self->session_->done()) self->lost_ = true;
      self->session_->timed_out();
      self->pump();
      self->finish_session();
    }
  });
}

// After QUIT the client waits for the server to close (after its 221) or for the timer.
void Delivery::finish_session() {
  ctx_.sim.cancel(timer_);
  connection_->close(net::Side::kClient);
  const smtp::ClientResult& r = session_->result(job_);
  take_transcript();
  if (moves_on(r)) return move_on(r);
  finish_job(r);
  finished_ = true;
  // Handlers may be running now: drop them (and with them this delivery) afterwards.
  ctx_.sim.schedule_in(
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
  for (const auto& rr : r.recipients) {
    const RecipientOutcome o =
        rr.status == smtp::RecipientStatus::kAccepted   ? RecipientOutcome::kAccepted
        : rr.status == smtp::RecipientStatus::kRejected ? RecipientOutcome::kRejected
                                                        : RecipientOutcome::kDeferred;
    attempt_.recipients.push_back(
        {rr.recipient, o, rr.reply.code, rr.reply.enhanced, plain_text(rr.reply)});
  }
  report(outcome, r.last_reply);
  site_reason_ = site_level(r) ? said(r.last_reply) : std::string();
}

std::string Delivery::said(const smtp::Reply& reply) const {
  return "host " + host_ + " said: " + std::to_string(reply.code) + " " +
         (reply.enhanced.empty() ? "" : reply.enhanced + " ") + plain_text(reply);
}

// A site-level failure (reference §2): the session ended in the greeting or EHLO/HELO.
bool Delivery::site_level(const smtp::ClientResult& r) const {
  using smtp::ClientStage;
  const bool early = replied_at_ == ClientStage::kGreeting || replied_at_ == ClientStage::kEhlo ||
                     replied_at_ == ClientStage::kHelo;
  return !r.message_sent && !lost_ && early && !r.last_reply.is_positive();
}

bool Delivery::moves_on(const smtp::ClientResult& r) const {
  if (index_ + 1 >= request_.hosts.size() || r.message_sent || lost_) return false;
  return site_level(r) || r.last_reply.code == 421;
}

// The recipients the session's failure decided go to the next host; those the server
// decided one by one (a 5xx or 4xx to RCPT) keep their reply.
void Delivery::move_on(const smtp::ClientResult& r) {
  smtp::Envelope next = request_.envelope;
  next.rcpt_to.clear();
  next.rcpt_options.clear();
  for (std::size_t i = 0; i < r.recipients.size(); ++i) {
    const smtp::RecipientResult& rr = r.recipients[i];
    const bool by_failure =
        rr.reply.code == r.last_reply.code && rr.reply.lines == r.last_reply.lines;
    if (by_failure) {
      next.rcpt_to.push_back(rr.recipient);
      next.rcpt_options.push_back(request_.envelope.options_of(i));
      attempt_.recipients.push_back({rr.recipient, RecipientOutcome::kDeferred, rr.reply.code,
                                     rr.reply.enhanced, plain_text(rr.reply)});
    } else {
      const RecipientOutcome o = rr.status == smtp::RecipientStatus::kRejected
                                     ? RecipientOutcome::kRejected
                                     : RecipientOutcome::kDeferred;
      attempt_.recipients.push_back(
          {rr.recipient, o, rr.reply.code, rr.reply.enhanced, plain_text(rr.reply)});
      decided_.push_back(attempt_.recipients.back());
    }
  }
  report(AttemptOutcome::kDeferred, r.last_reply);
  finished_ = true;
  site_reason_ = said(r.last_reply);
  ctx_.sim.schedule_in(
      Duration{}, [connection = connection_] { connection->set_handlers(net::Side::kClient, {}); });
  request_.envelope = std::move(next);
  try_host(index_ + 1);
}

// The result lists every recipient of the request: those earlier hosts decided for good,
// then the last host's.
void Delivery::complete(std::vector<AttemptRecipient> last) {
  DeliveryResult result{std::exchange(decided_, {}), host_, lost_, !site_reason_.empty(),
                        site_reason_};
  for (AttemptRecipient& a : last) result.recipients.push_back(std::move(a));
  std::exchange(done_, {})(result);
}

void Delivery::report(AttemptOutcome outcome, const smtp::Reply& reply) {
  attempt_.ended = ctx_.sim.now();
  attempt_.outcome = outcome;
  attempt_.code = reply.code;
  attempt_.enhanced = reply.enhanced;
  attempt_.text = plain_text(reply);
  if (attempt_.recipients.empty()) {
    for (const auto& rcpt : request_.envelope.rcpt_to) {
      attempt_.recipients.push_back(
          {rcpt, RecipientOutcome::kDeferred, reply.code, reply.enhanced, plain_text(reply)});
    }
  }
  ctx_.events.attempt_finished(attempt_);
}

}  // namespace

void start_delivery(const DeliveryContext& context, DeliveryJob first, NextDelivery next,
                    SessionEnded ended) {
  auto delivery =
      std::make_shared<Delivery>(context, std::move(first), std::move(next), std::move(ended));
  delivery->try_host(0);
}

}  // namespace mailsim::mta
