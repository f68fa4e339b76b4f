#include "mailsim/realnet/smtpd.h"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <csignal>
#include <memory>
#include <unordered_set>
#include <vector>

#include "mailsim/core/error.h"
#include "mailsim/realnet/local_delivery.h"
#include "mailsim/realnet/maildir.h"
#include "realnet/server_connection.h"

namespace mailsim::realnet {
namespace {

namespace asio = boost::asio;
using asio::ip::tcp;
using boost::system::error_code;

tcp::endpoint resolve_listen_address(asio::io_context& io, const Endpoint& listen) {
  tcp::resolver resolver(io);
  error_code error;
  const auto results =
      resolver.resolve(listen.host, std::to_string(listen.port),
                       tcp::resolver::passive | tcp::resolver::numeric_service, error);
  if (error || results.empty()) {
    throw InputError("cannot resolve '" + listen.host + "': " + error.message(),
                     "give an address or a name of this machine",
                     {"command line", 0, 0, "--listen"});
  }
  return results.begin()->endpoint();
}

// The listener: binds, accepts while under the session limit, and on SIGINT or SIGTERM
// stops accepting and closes every session, after which io_.run() returns.
class Smtpd {
 public:
  Smtpd(const SmtpdOptions& options, std::ostream& out, std::ostream& log)
      : options_(options),
        out_(out),
        log_(log),
        acceptor_(io_),
        signals_(io_, SIGINT, SIGTERM),
        accept_retry_(io_),
        maildir_(options.maildir, options.session.hostname),
        delivery_(options.local_domains, options.session.hostname, maildir_, out) {}

  int run() {
    listen();
    out_ << "listening on " << to_string(bound_) << std::endl;
    signals_.async_wait([this](const error_code& error, int) {
      if (!error) stop();
    });
    accept();
    io_.run();
    return 0;
  }

 private:
  void listen() {
    const tcp::endpoint endpoint = resolve_listen_address(io_, options_.listen);
    error_code error;
    acceptor_.open(endpoint.protocol(), error);
    if (!error) acceptor_.set_option(tcp::acceptor::reuse_address(true), error);
    if (!error) acceptor_.bind(endpoint, error);
    if (!error) acceptor_.listen(asio::socket_base::max_listen_connections, error);
    if (error) {
      throw InputError("cannot listen on " + to_string(options_.listen) + ": " + error.message(),
                       "choose a free port, or port 0 for any", {"command line", 0, 0, "--listen"});
    }
    const tcp::endpoint local = acceptor_.local_endpoint();
    bound_ = {local.address().to_string(), local.port()};
  }

  void accept() {
    acceptor_.async_accept([this](const error_code& error, tcp::socket socket) {
      if (error == asio::error::operation_aborted || stopping_) return;
      if (error) {  // out of descriptors, say: wait instead of spinning
        log_ << "mailsim smtpd: accept: " << error.message() << std::endl;
        accept_retry_.expires_after(std::chrono::milliseconds(100));
        accept_retry_.async_wait([this](const error_code& e) {
          if (!e) accept();
        });
        return;
      }
      serve(std::move(socket));
      accept();
    });
  }

  void serve(tcp::socket socket) {
    if (live_.size() >= static_cast<std::size_t>(options_.max_sessions)) return refuse(socket);
    auto connection =
        std::make_shared<ServerConnection>(std::move(socket), options_, delivery_,
                                           [this](ServerConnection* gone) { live_.erase(gone); });
    live_.insert(connection.get());
    connection->start();
  }

  // Postfix's answer when its process limit is reached. The reply fits in a fresh socket's
  // buffer, so a non-blocking write either sends it whole or the client is gone.
  void refuse(tcp::socket& socket) {
    const std::string reply =
        smtp::make_reply(421, "4.7.0", options_.session.hostname + " Error: too many connections")
            .wire();
    error_code ignored;
    socket.non_blocking(true, ignored);
    socket.write_some(asio::buffer(reply), ignored);
    socket.shutdown(tcp::socket::shutdown_both, ignored);
    socket.close(ignored);
  }

  void stop() {
    stopping_ = true;
    error_code ignored;
    acceptor_.close(ignored);
    accept_retry_.cancel();
    const std::vector<ServerConnection*> open(live_.begin(), live_.end());
    for (ServerConnection* connection : open) connection->close();
  }

  const SmtpdOptions& options_;
  std::ostream& out_;
  std::ostream& log_;
  // Outlives io_, whose destruction may destroy connections still held by its handlers.
  std::unordered_set<ServerConnection*> live_;
  asio::io_context io_{1};
  tcp::acceptor acceptor_;
  asio::signal_set signals_;
  asio::steady_timer accept_retry_;
  Endpoint bound_;
  Maildir maildir_;
  LocalDelivery delivery_;
  bool stopping_ = false;
};

}  // namespace

int run_smtpd(const SmtpdOptions& options, std::ostream& out, std::ostream& log) {
  Smtpd smtpd(options, out, log);
  return smtpd.run();
}

}  // namespace mailsim::realnet
