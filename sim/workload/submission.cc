// A desktop or webmail client's tries to hand a message to its MSA (clients.h). Each try
// is one SubmissionTry: a connection to port 587 and a ClientSession with AUTH PLAIN,
// reported as one AttemptFinished from the client's host. The client does not wait for
// the reply to QUIT (the message's fate is known at the reply to "."), as Postfix's
// smtp_skip_quit_response does.
#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "mailsim/smtp/client_session.h"
#include "mailsim/smtp/timeouts.h"
#include "mailsim/workload/clients.h"

namespace mailsim::workload {

namespace {

constexpr int kSubmissionPort = 587;  // RFC 6409
// Where RFC 5321 §4.5.3.2 names no limit (EHLO, AUTH, RSET, QUIT): its 5 minutes for a
// command.
constexpr Duration kCommandTimeout = Duration::seconds(300);

mta::RecipientOutcome outcome_of(smtp::RecipientStatus s) {
  return s == smtp::RecipientStatus::kAccepted   ? mta::RecipientOutcome::kAccepted
         : s == smtp::RecipientStatus::kRejected ? mta::RecipientOutcome::kRejected
                                                 : mta::RecipientOutcome::kDeferred;
}

}  // namespace

// A message the client holds: the recipients not yet decided, and the tries made.
struct Pending {
  mta::MessageNumber msg = 0;
  smtp::Envelope envelope;
  smtp::SharedMessage message;
  int tries = 0;
};

struct SubmissionClient::Impl : std::enable_shared_from_this<SubmissionClient::Impl> {
  Impl(MailClient c, Msa m, ClientContext x) : config(std::move(c)), msa(std::move(m)), ctx(x) {}

  void start_try(std::shared_ptr<Pending> pending);
  void try_done(std::shared_ptr<Pending> pending, const mta::AttemptFinished& attempt);
  void final(const Pending& p, const std::string& rcpt, mta::FinalStatus status, int code,
             const std::string& enhanced, const std::string& text);
  const std::string& node_name(net::NodeId n) const { return ctx.network.topology().name(n); }

  MailClient config;
  Msa msa;
  ClientContext ctx;
};

namespace {

// One connection to the MSA and its session; keeps itself alive until it reports.
class SubmissionTry : public std::enable_shared_from_this<SubmissionTry> {
 public:
  using Done = std::function<void(const mta::AttemptFinished&)>;

  SubmissionTry(SubmissionClient::Impl& client, const Pending& pending, Done done)
      : client_(client), pending_(pending), done_(std::move(done)) {}

  void start() {
    attempt_.msg = pending_.msg;
    attempt_.from_node = client_.node_name(client_.config.host);
    attempt_.to_node = client_.node_name(client_.msa.host);
    attempt_.started = client_.ctx.sim.now();
    client_.ctx.network.connect(
        client_.config.host, client_.msa.host, kSubmissionPort, client_.config.connect_timeout,
        [self = shared_from_this()](net::ConnectResult r) { self->on_connect(std::move(r)); });
  }

 private:
  void on_connect(net::ConnectResult result) {
    if (result.status != net::ConnectStatus::kConnected) {
      const bool refused = result.status == net::ConnectStatus::kRefused;
      const smtp::Reply reply = smtp::make_reply(
          451, "4.4.1",
          "connect to " + client_.msa.hostname +
              ":587: " + (refused ? "Connection refused" : "Connection timed out"));
      for (const std::string& rcpt : pending_.envelope.rcpt_to) {
        attempt_.recipients.push_back({rcpt, mta::RecipientOutcome::kDeferred, reply.code,
                                       reply.enhanced, std::string(reply.lines[0])});
      }
      return report(refused ? mta::AttemptOutcome::kConnRefused : mta::AttemptOutcome::kConnTimeout,
                    reply);
    }
    connection_ = std::move(result.connection);
    session_ = std::make_unique<smtp::ClientSession>(
        smtp::ClientConfig{client_.config.helo_name, client_.config.auth}, pending_.envelope,
        pending_.message);
    auto self = shared_from_this();
    connection_->set_handlers(net::Side::kClient, {[self](std::string_view bytes) {
                                                     if (self->finished_) return;
                                                     self->session_->receive(bytes);
                                                     self->pump();
                                                   },
                                                   [self] {
                                                     if (self->finished_) return;
                                                     self->lost_ = !self->session_->done();
                                                     self->session_->connection_lost();
                                                     self->finish();
                                                   }});
    arm_timer();
  }

  void pump() {
    if (Payload out = session_->take_all_output(); !out.empty()) {
      attempt_.bytes += out.size();
      connection_->send(net::Side::kClient, std::move(out));
    }
    take_transcript();
    if (session_->done()) return finish();
    arm_timer();
  }

  void arm_timer() {
    client_.ctx.sim.cancel(timer_);
    static constexpr smtp::ClientTimeouts kLimits =
        smtp::client_timeouts(smtp::MtaFamily::kRfc5321);
    const Duration limit = smtp::timeout_for(kLimits, session_->stage()).value_or(kCommandTimeout);
    std::weak_ptr<SubmissionTry> weak = shared_from_this();
    timer_ = client_.ctx.sim.schedule_in(limit, [weak] {
      auto self = weak.lock();
      if (!self || self->finished_) return;
      self->lost_ = true;
      self->session_->timed_out();
      self->finish();
    });
  }

  void take_transcript() {
    for (auto& line : session_->take_transcript()) {
      attempt_.transcript.push_back({client_.ctx.sim.now(), line.direction, std::move(line.text)});
    }
  }

  void finish() {
    finished_ = true;
    client_.ctx.sim.cancel(timer_);
    take_transcript();
    connection_->close(net::Side::kClient);
    // The handlers may be running now: drop them (and with them this try) afterwards.
    client_.ctx.sim.schedule_in(Duration{},
                                [c = connection_] { c->set_handlers(net::Side::kClient, {}); });
    const smtp::ClientResult& r = session_->result();
    mta::AttemptOutcome outcome = mta::AttemptOutcome::kRejected;
    if (r.message_sent) {
      outcome = mta::AttemptOutcome::kSent;
    } else if (lost_) {
      outcome = mta::AttemptOutcome::kLost;
    } else if (std::any_of(r.recipients.begin(), r.recipients.end(), [](const auto& rr) {
                 return rr.status == smtp::RecipientStatus::kDeferred;
               })) {
      outcome = mta::AttemptOutcome::kDeferred;
    }
    const std::vector<std::string>& rcpt_to = session_->envelope(0).rcpt_to;
    for (std::size_t i = 0; i < r.recipients.size(); ++i) {
      const smtp::Reply& reply = r.reply_of(i);
      attempt_.recipients.push_back({rcpt_to[i], outcome_of(r.recipients[i].status), reply.code,
                                     reply.enhanced, reply.plain_text()});
    }
    report(outcome, r.last_reply);
  }

  void report(mta::AttemptOutcome outcome, const smtp::Reply& reply) {
    attempt_.ended = client_.ctx.sim.now();
    attempt_.outcome = outcome;
    attempt_.code = reply.code;
    attempt_.enhanced = reply.enhanced;
    attempt_.text = reply.plain_text();
    client_.ctx.events.attempt_finished(attempt_);
    std::exchange(done_, {})(attempt_);
  }

  SubmissionClient::Impl& client_;
  const Pending& pending_;
  Done done_;
  mta::AttemptFinished attempt_;
  std::shared_ptr<net::Connection> connection_;
  std::unique_ptr<smtp::ClientSession> session_;
  EventId timer_;
  bool lost_ = false;
  bool finished_ = false;
};

}  // namespace

void SubmissionClient::Impl::start_try(std::shared_ptr<Pending> pending) {
  ++pending->tries;
  auto attempt = std::make_shared<SubmissionTry>(
      *this, *pending, [self = shared_from_this(), pending](const mta::AttemptFinished& a) {
        self->try_done(pending, a);
      });
  attempt->start();
}

// The MSA took the accepted recipients; a refused one fails at the client; the rest wait
// for the next try, or expire when the tries are spent.
void SubmissionClient::Impl::try_done(std::shared_ptr<Pending> pending,
                                      const mta::AttemptFinished& attempt) {
  smtp::Envelope left = pending->envelope;
  left.rcpt_to.clear();
  left.rcpt_options.clear();
  std::vector<const mta::AttemptRecipient*> deferred;
  for (std::size_t i = 0; i < attempt.recipients.size(); ++i) {
    const mta::AttemptRecipient& r = attempt.recipients[i];
    if (r.outcome == mta::RecipientOutcome::kRejected) {
      final(*pending, r.rcpt, mta::FinalStatus::kBounced, r.code, r.enhanced, r.text);
    } else if (r.outcome == mta::RecipientOutcome::kDeferred) {
      left.rcpt_to.push_back(r.rcpt);
      left.rcpt_options.push_back(pending->envelope.options_of(i));
      deferred.push_back(&r);
    }
  }
  // The outbox lets the message go once no recipient waits in it: the MSA holds the rest.
  if (deferred.empty()) return ctx.catalog.release(pending->msg, ctx.sim.now(), ctx.events);
  const int allowed = config.retry.attempts;
  if (allowed != 0 && pending->tries >= allowed) {
    for (const mta::AttemptRecipient* r : deferred) {
      final(*pending, r->rcpt, mta::FinalStatus::kExpired, r->code, r->enhanced, r->text);
    }
    return ctx.catalog.release(pending->msg, ctx.sim.now(), ctx.events);
  }
  pending->envelope = std::move(left);
  ctx.sim.schedule_in(config.retry.interval,
                      [self = shared_from_this(), pending] { self->start_try(pending); });
}

void SubmissionClient::Impl::final(const Pending& p, const std::string& rcpt,
                                   mta::FinalStatus status, int code, const std::string& enhanced,
                                   const std::string& text) {
  ctx.events.recipient_final({p.msg,
                              rcpt,
                              status,
                              node_name(config.host),
                              ctx.sim.now(),
                              code,
                              enhanced.empty() ? text : enhanced + " " + text,
                              {}});
}

SubmissionClient::SubmissionClient(MailClient config, Msa msa, ClientContext context)
    : impl_(std::make_shared<Impl>(std::move(config), std::move(msa), context)) {}

SubmissionClient::~SubmissionClient() = default;

const MailClient& SubmissionClient::config() const { return impl_->config; }

void SubmissionClient::submit(const smtp::Envelope& envelope, smtp::SharedMessage message,
                              const std::string& message_id) {
  auto pending = std::make_shared<Pending>();
  pending->msg = impl_->ctx.catalog.add(
      {0, message_id, envelope.mail_from, envelope.rcpt_to, message->size(), impl_->msa.name,
       impl_->ctx.sim.now(), mta::MessageKind::kUser, 0, to_string(impl_->config.kind)},
      impl_->ctx.events);
  impl_->ctx.catalog.hold(pending->msg);  // the outbox's copy, until try_done lets it go
  pending->envelope = envelope;
  pending->message = std::move(message);
  // The client's outbox is the message's first stop: the hop_delay view then shows how
  // long the submission took, as it does for an MTA's queue.
  impl_->ctx.events.message_queued(
      {pending->msg, impl_->node_name(impl_->config.host), "", "", impl_->ctx.sim.now()});
  impl_->start_try(std::move(pending));
}

const char* to_string(ClientKind kind) {
  return kClientKinds[static_cast<std::size_t>(kind)].data();  // each a string literal
}

ClientRetry default_retry(ClientKind kind) {
  if (kind == ClientKind::kDesktop) return {0, Duration::minutes(30)};
  return {1, Duration::minutes(30)};
}

}  // namespace mailsim::workload
