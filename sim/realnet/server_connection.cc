#include "realnet/server_connection.h"

#include <boost/asio/write.hpp>
#include <chrono>
#include <utility>

namespace mailsim::realnet {
namespace {

using boost::asio::ip::tcp;
using boost::system::error_code;

std::string address_of(const tcp::socket& socket) {
  error_code error;
  const tcp::endpoint peer = socket.remote_endpoint(error);
  if (error) return "unknown";
  const boost::asio::ip::address address = peer.address();
  if (address.is_v6() && address.to_v6().is_v4_mapped()) {
    return boost::asio::ip::make_address_v4(boost::asio::ip::v4_mapped, address.to_v6())
        .to_string();
  }
  return address.to_string();
}

std::int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

ServerConnection::ServerConnection(tcp::socket socket, const SmtpdOptions& options,
                                   LocalDelivery& delivery,
                                   std::function<void(ServerConnection*)> on_destroyed)
    : socket_(std::move(socket)),
      options_(options),
      delivery_(delivery),
      on_destroyed_(std::move(on_destroyed)),
      client_address_(address_of(socket_)),
      deadline_(socket_.get_executor()),
      session_(options.session, *this) {}

ServerConnection::~ServerConnection() { on_destroyed_(this); }

void ServerConnection::start() {
  session_.open();
  flush();
}

void ServerConnection::close() {
  deadline_.cancel();
  if (!socket_.is_open()) return;
  error_code ignored;
  socket_.shutdown(tcp::socket::shutdown_both, ignored);
  socket_.close(ignored);
}

// Sends what the session has said; then reads on, or closes after its 221 or 421.
void ServerConnection::flush() {
  output_ = session_.take_output();
  if (output_.empty()) return session_.closed() ? close() : read();
  auto self = shared_from_this();
  deadline_.start(options_.idle_timeout, [self] { self->close(); });
  boost::asio::async_write(socket_, boost::asio::buffer(output_),
                           [self](const error_code& error, std::size_t) {
                             self->deadline_.cancel();
                             if (error) return self->close();
                             self->flush();
                           });
}

void ServerConnection::read() {
  auto self = shared_from_this();
  deadline_.start(options_.idle_timeout, [self] { self->on_idle(); });
  socket_.async_read_some(
      boost::asio::buffer(input_), [self](const error_code& error, std::size_t length) {
        self->deadline_.cancel();
        if (!error) self->session_.receive({self->input_.data(), length});  // ignored once closed
        if (error && !self->session_.closed()) return self->close();        // the client left
        self->flush();
      });
}

// The session answers 421 4.4.2; the read it was waiting on is cancelled, and its handler
// sends that reply.
void ServerConnection::on_idle() {
  session_.timed_out();
  error_code ignored;
  socket_.cancel(ignored);
}

smtp::Reply ServerConnection::on_helo(const smtp::SessionInfo& /*session*/,
                                      std::string_view /*helo_name*/) {
  return smtp::make_reply(250, "", "Ok");
}

smtp::Decision ServerConnection::on_mail(const smtp::SessionInfo& /*session*/,
                                         std::string_view /*sender*/) {
  return smtp::make_reply(250, "2.1.0", "Ok");
}

smtp::Decision ServerConnection::on_rcpt(const smtp::SessionInfo& /*session*/,
                                         std::string_view recipient) {
  return delivery_.check_recipient(recipient);
}

smtp::Decision ServerConnection::on_message(const smtp::SessionInfo& session,
                                            smtp::Envelope envelope, std::string data) {
  const char* protocol = !session.authenticated_user.empty() ? "ESMTPA"
                         : session.esmtp                     ? "ESMTP"
                                                             : "SMTP";
  return delivery_.deliver(envelope, data, {session.helo_name, client_address_, protocol},
                           unix_now());
}

}  // namespace mailsim::realnet
