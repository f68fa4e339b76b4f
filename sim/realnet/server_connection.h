// One accepted connection of `mailsim smtpd`: moves bytes between the socket and a
// ServerSession, answers the session's policy questions from LocalDelivery, and applies
// the idle and write time limits. Reads and writes alternate (nothing is read while a reply
// is being sent), so a client that pipelines without reading cannot grow our buffers.
// Keeps itself alive through its pending operations; private to realnet.
#pragma once

#include <array>
#include <boost/asio/ip/tcp.hpp>
#include <functional>
#include <memory>
#include <string>

#include "mailsim/realnet/local_delivery.h"
#include "mailsim/realnet/smtpd.h"
#include "realnet/deadline.h"

namespace mailsim::realnet {

class ServerConnection : public std::enable_shared_from_this<ServerConnection>,
                         private smtp::ServerPolicy {
 public:
  // `options` and `delivery` must outlive the connection; its destructor calls
  // `on_destroyed` with `this`.
  ServerConnection(boost::asio::ip::tcp::socket socket, const SmtpdOptions& options,
                   LocalDelivery& delivery, std::function<void(ServerConnection*)> on_destroyed);
  ~ServerConnection() override;

  void start();  // sends the greeting
  void close();  // at once, whatever the session is doing

 private:
  void flush();
  void read();
  void on_idle();

  // Decided at once: the session never waits for this policy.
  smtp::Reply on_helo(const smtp::SessionInfo& session, std::string_view helo_name) override;
  smtp::Decision on_mail(const smtp::SessionInfo& session, std::string_view sender) override;
  smtp::Decision on_rcpt(const smtp::SessionInfo& session, std::string_view recipient) override;
  smtp::Decision on_message(const smtp::SessionInfo& session, smtp::Envelope envelope,
                            std::string data) override;

  boost::asio::ip::tcp::socket socket_;
  const SmtpdOptions& options_;
  LocalDelivery& delivery_;
  std::function<void(ServerConnection*)> on_destroyed_;
  std::string client_address_;
  Deadline deadline_;
  smtp::ServerSession session_;
  std::array<char, 16384> input_;
  std::string output_;  // being written
};

}  // namespace mailsim::realnet
