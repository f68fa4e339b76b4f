#include "mailsim/realnet/send.h"

#include <array>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <utility>

#include "mailsim/smtp/timeouts.h"
#include "realnet/deadline.h"

namespace mailsim::realnet {
namespace {

namespace asio = boost::asio;
using asio::ip::tcp;
using boost::system::error_code;

// One connection driven to its end inside a caller's io_context, which must outlive it
// and run until it is finished.
class ClientConnection {
 public:
  ClientConnection(asio::io_context& io, const SendOptions& options, smtp::Envelope envelope,
                   smtp::SharedMessage message)
      : options_(options),
        resolver_(io),
        socket_(io),
        deadline_(io.get_executor()),
        session_(options.session, std::move(envelope), std::move(message)) {}

  void start() {
    if (options_.timeouts.connect) {
      deadline_.start(*options_.timeouts.connect, [this] { fail("timed out"); });
    }
    resolver_.async_resolve(
        options_.server.host, std::to_string(options_.server.port), tcp::resolver::numeric_service,
        [this](const error_code& error, const tcp::resolver::results_type& results) {
          if (closed_) return;
          if (error) return fail(error.message());
          asio::async_connect(socket_, results, [this](const error_code& e, const tcp::endpoint&) {
            if (closed_) return;
            if (e) return fail(e.message());
            connected_ = true;
            read();
            pump();
          });
        });
  }

  SendOutcome outcome() const { return {session_.result(), transport_error_}; }

 private:
  void read() {
    socket_.async_read_some(asio::buffer(input_), [this](const error_code& error, std::size_t n) {
      if (closed_) return;
      if (error == asio::error::eof && !session_.done()) return fail("closed by the server");
      if (error) return session_.done() ? close() : fail(error.message());
      session_.receive({input_.data(), n});
      pump();
      if (!closed_) read();
    });
  }

  // Sends what the session has to send, one piece at a time (message data comes in bounded
  // pieces while the stage is kSendingData), and closes once the dialogue is over.
  void pump() {
    if (write_running_) return;  // its completion pumps again
    output_ = session_.take_output();
    if (!output_.empty()) {
      write_running_ = true;
      asio::async_write(socket_, asio::buffer(output_),
                        [this](const error_code& error, std::size_t) {
                          write_running_ = false;
                          if (closed_) return;
                          if (error) return fail(error.message());
                          pump();
                        });
    } else if (session_.stage() == smtp::ClientStage::kDone) {
      return close();
    }
    arm_deadline();
  }

  // The limit for the current stage, restarted by every write and reply: a slow transfer
  // that moves is not cut off. A limit of zero (Postfix does not wait for the reply to
  // QUIT) counts once the writes are done.
  void arm_deadline() {
    const std::optional<Duration> limit = smtp::timeout_for(options_.timeouts, session_.stage());
    if (!limit || (write_running_ && *limit == Duration{})) return deadline_.cancel();
    deadline_.start(*limit, [this] {
      session_.timed_out();
      close();
    });
  }

  // The connection could not be made or broke: undecided recipients are deferred.
  void fail(const std::string& why) {
    if (closed_) return;
    transport_error_ =
        (connected_ ? "connection to " : "connect to ") + to_string(options_.server) + ": " + why;
    session_.connection_lost();
    close();
  }

  void close() {
    closed_ = true;
    deadline_.cancel();
    resolver_.cancel();
    error_code ignored;
    socket_.shutdown(tcp::socket::shutdown_both, ignored);
    socket_.close(ignored);
  }

  const SendOptions& options_;
  tcp::resolver resolver_;
  tcp::socket socket_;
  Deadline deadline_;
  smtp::ClientSession session_;
  std::array<char, 16384> input_;
  std::string output_;  // being written; unchanged while a write runs
  bool write_running_ = false;
  bool connected_ = false;
  bool closed_ = false;
  std::string transport_error_;
};

}  // namespace

SendOutcome send_message(const SendOptions& options, smtp::Envelope envelope,
                         smtp::SharedMessage message) {
  asio::io_context io{1};
  ClientConnection connection(io, options, std::move(envelope), std::move(message));
  connection.start();
  io.run();
  return connection.outcome();
}

}  // namespace mailsim::realnet
