#include "mta/receiver.h"

#include <utility>

namespace mailsim::mta {

namespace {

class Receiver : public smtp::ServerPolicy, public std::enable_shared_from_this<Receiver> {
 public:
  Receiver(Simulator& sim, smtp::ServerConfig config, const ReceiverPolicy& policy,
           Duration idle_timeout, std::shared_ptr<net::Connection> connection)
      : sim_(sim),
        idle_timeout_(idle_timeout),
        policy_(policy),
        connection_(std::move(connection)),
        session_(std::move(config), *this) {}

  void open() {
    session_.open();
    flush();
  }
  void on_data(std::string_view bytes) {
    session_.receive(bytes);
    flush();
  }
  void on_closed() {
    sim_.cancel(idle_timer_);
    if (!closed_) connection_->close(net::Side::kServer);
    closed_ = true;
    release();
  }

  // Every decision is immediate: the receiver never leaves one pending.
  smtp::Reply on_helo(const smtp::SessionInfo&, std::string_view) override {
    return smtp::make_reply(250, "", "Ok");
  }
  smtp::Decision on_mail(const smtp::SessionInfo&, std::string_view) override {
    return smtp::make_reply(250, "2.1.0", "Ok");
  }
  smtp::Decision on_rcpt(const smtp::SessionInfo& session, std::string_view rcpt) override {
    return policy_.check_recipient(session, rcpt);
  }
  smtp::Decision on_message(const smtp::SessionInfo& session, const smtp::Envelope& envelope,
                            std::string data) override {
    return policy_.accept_message(session, envelope, data, connection_->node(net::Side::kClient));
  }

 private:
  void flush() {
    if (std::string out = session_.take_output(); !out.empty()) {
      connection_->send(net::Side::kServer, std::move(out));
    }
    sim_.cancel(idle_timer_);
    if (session_.closed() && !closed_) {
      closed_ = true;
      connection_->close(net::Side::kServer);
    }
    if (!closed_) {  // wait for the client's next command
      idle_timer_ = sim_.schedule_in(idle_timeout_, [weak = weak_from_this()] {
        if (auto self = weak.lock()) self->idle();
      });
    }
  }
  void idle() {
    session_.timed_out();
    flush();
    release();  // the client is gone or silent: nothing more will be read
  }
  // The handlers own this receiver; they are dropped after the current one returns.
  void release() {
    sim_.schedule_in(Duration{}, [connection = connection_] {
      connection->set_handlers(net::Side::kServer, {});
    });
  }

  Simulator& sim_;
  Duration idle_timeout_;
  EventId idle_timer_;
  const ReceiverPolicy& policy_;
  std::shared_ptr<net::Connection> connection_;
  smtp::ServerSession session_;
  bool closed_ = false;
};

}  // namespace

net::ConnectionHandlers serve_connection(Simulator& sim, smtp::ServerConfig config,
                                         const ReceiverPolicy& policy, Duration idle_timeout,
                                         std::shared_ptr<net::Connection> connection) {
  auto receiver = std::make_shared<Receiver>(sim, std::move(config), policy, idle_timeout,
                                             std::move(connection));
  receiver->open();
  return {[receiver](std::string_view bytes) { receiver->on_data(bytes); },
          [receiver] { receiver->on_closed(); }};
}

}  // namespace mailsim::mta
