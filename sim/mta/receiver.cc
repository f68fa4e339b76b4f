#include "mta/receiver.h"

#include <utility>

#include "mta/address.h"
#include "mta/receive_side.h"

namespace mailsim::mta {

namespace {

class Receiver : public smtp::ServerPolicy, public std::enable_shared_from_this<Receiver> {
 public:
  Receiver(ReceiveSide& side, std::shared_ptr<const smtp::ServerSetup> setup, Duration idle_timeout,
           std::shared_ptr<net::Connection> connection)
      : side_(side),
        sim_(side.sim()),
        idle_timeout_(idle_timeout),
        connection_(std::move(connection)),
        client_(host_address(connection_->node(net::Side::kClient))),
        session_(std::move(setup), *this) {}

  // A refused connection gets its reply instead of the greeting: a 421 closes it, any other
  // code (554) waits for the client's QUIT (RFC 5321 §3.1). Only an admitted connection
  // counts for its client.
  void open() {
    std::optional<smtp::Reply> refusal = side_.admit(client_);
    admitted_ = !refusal;
    if (refusal) {
      session_.open_refused(*refusal);
    } else {
      session_.open();
    }
    flush();
    if (closed_) release();
  }
  void on_data(const Payload& payload) {
    session_.receive(payload);
    flush();
  }
  void on_closed() {
    sim_.cancel(idle_timer_);
    if (!closed_) connection_->close(net::Side::kServer);
    closed_ = true;
    release();
  }

  // The session sends its own 250 and ignores this one's text: it has none.
  smtp::Reply on_helo(const smtp::SessionInfo&, std::string_view) override {
    if (auto reply = side_.degraded(SmtpStage::kEhlo)) return *reply;
    return {250, "", {}};
  }
  smtp::Decision on_mail(const smtp::SessionInfo& session, std::string_view) override {
    if (auto reply = side_.degraded(SmtpStage::kMail)) return *reply;
    if (side_.policy().check_mail) return side_.policy().check_mail(session);
    return smtp::Reply{250, "2.1.0", {"Ok"}};
  }
  // The MTA's recipient checks first (relay control, unknown users), then greylisting of
  // what they accepted, as Postfix's check_policy_service follows reject_unauth_destination.
  smtp::Decision on_rcpt(const smtp::SessionInfo& session, std::string_view rcpt) override {
    if (auto reply = side_.degraded(SmtpStage::kRcpt)) return *reply;
    smtp::Reply reply = side_.policy().check_recipient(session, rcpt);
    if (!reply.is_positive() || !session.authenticated_user.empty()) return reply;
    if (auto greylisted = side_.greylist(client_, session_.envelope().mail_from, rcpt)) {
      return std::move(*greylisted);
    }
    return reply;
  }
  std::optional<smtp::Reply> on_data(const smtp::SessionInfo&) override {
    return side_.degraded(SmtpStage::kData);
  }
  // With a content filter the reply comes after its delay; the message is queued then,
  // and not at all when the client has gone meanwhile.
  smtp::Decision on_message(const smtp::SessionInfo& session, smtp::Envelope envelope,
                            std::string data) override {
    return on_synthetic_message(session, std::move(envelope),
                                std::make_shared<const smtp::Message>(std::move(data)));
  }
  smtp::Decision on_synthetic_message(const smtp::SessionInfo& session, smtp::Envelope envelope,
                                      smtp::SharedMessage message) override {
    if (auto reply = side_.degraded(SmtpStage::kEndOfData)) return *reply;
    const Duration delay = side_.filter_delay(static_cast<std::size_t>(message->size()));
    if (delay == Duration{}) return accept(session, std::move(envelope), message);
    std::function<void()> let_go;
    if (side_.policy().keep_message) let_go = side_.policy().keep_message(*message);
    sim_.schedule_in(delay, [weak = weak_from_this(), session, envelope = std::move(envelope),
                             message = std::move(message), let_go = std::move(let_go)]() mutable {
      auto self = weak.lock();
      if (self && !self->closed_) {
        self->session_.resume(self->accept(session, std::move(envelope), message));
        self->flush();
      }
      if (let_go) let_go();
    });
    return smtp::Decision::pending();
  }

 private:
  smtp::Reply accept(const smtp::SessionInfo& session, smtp::Envelope&& envelope,
                     const smtp::SharedMessage& message) {
    return side_.policy().accept_message(session, std::move(envelope), message,
                                         connection_->node(net::Side::kClient));
  }
  void flush() {
    if (std::string out = session_.take_output(); !out.empty()) {
      connection_->send(net::Side::kServer, std::move(out));
    }
    if (session_.closed() && !closed_) {
      closed_ = true;
      connection_->close(net::Side::kServer);
    }
    if (!closed_ && !session_.awaiting_decision()) {  // wait for the client's next command
      // Each flush moves the deadline later, so a pending timer is left where it is (due no
      // later than the deadline) and moves itself on when it fires early: one event per
      // session instead of a cancelled one per reply. (At a tie with the deadline, events
      // scheduled before the timer last fired early run first; see Delivery::arm_timer.)
      idle_deadline_ = sim_.now() + idle_timeout_;
      if (!sim_.is_pending(idle_timer_)) schedule_idle_timer();
    } else {
      sim_.cancel(idle_timer_);
    }
  }
  void schedule_idle_timer() {
    idle_timer_ = sim_.schedule_at(idle_deadline_, [weak = weak_from_this()] {
      if (auto self = weak.lock()) self->on_idle_timer();
    });
  }
  void on_idle_timer() {
    if (sim_.now() < idle_deadline_) return schedule_idle_timer();  // the client spoke since
    idle();
  }
  void idle() {
    session_.timed_out();
    flush();
    release();  // the client is gone or silent: nothing more will be read
  }
  // The handlers own this receiver; they are dropped after the current one returns. The
  // connection stops counting for its client.
  void release() {
    if (admitted_) side_.release(client_);
    admitted_ = false;
    sim_.schedule_in(Duration{}, [connection = connection_] {
      connection->set_handlers(net::Side::kServer, {});
    });
  }

  ReceiveSide& side_;
  Simulator& sim_;
  Duration idle_timeout_;
  EventId idle_timer_;  // due no later than idle_deadline_ (see flush())
  Time idle_deadline_;
  std::shared_ptr<net::Connection> connection_;
  std::uint32_t client_;
  bool admitted_ = false;
  bool closed_ = false;
  smtp::ServerSession session_;  // last: its cold part after what every event reads
};

}  // namespace

net::ConnectionHandlers serve_connection(ReceiveSide& side,
                                         std::shared_ptr<const smtp::ServerSetup> setup,
                                         Duration idle_timeout,
                                         std::shared_ptr<net::Connection> connection) {
  auto receiver =
      std::make_shared<Receiver>(side, std::move(setup), idle_timeout, std::move(connection));
  receiver->open();
  // The handlers own the receiver and point at it (release() drops them).
  Receiver* const served = receiver.get();
  return {{},
          [served] { served->on_closed(); },
          [served](const Payload& payload) { served->on_data(payload); },
          std::move(receiver)};
}

}  // namespace mailsim::mta
