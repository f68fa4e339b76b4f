// The receiving side of one SMTP connection, sans I/O: bytes from the client go in,
// reply bytes come out, and the MTA's decisions are asked of a ServerPolicy. No clock,
// sockets or threads: the driver (simulator, real socket, test) moves the bytes and
// applies timeouts. Replies and their texts follow Postfix's smtpd.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "mailsim/smtp/envelope.h"
#include "mailsim/smtp/line_reader.h"
#include "mailsim/smtp/reply.h"
#include "mailsim/smtp/sasl.h"

namespace mailsim::smtp {

struct ServerConfig {
  std::string hostname;                      // used in the greeting and replies
  std::string software = "mailsim";          // shown in the greeting: "220 HOST ESMTP mailsim"
  std::int64_t max_message_size = 10240000;  // octets; advertised as SIZE; 0 = no limit
  int max_recipients = 1000;                 // more: 452 4.5.3 Error: too many recipients
  int max_errors = 20;                       // after that many 4xx/5xx replies: 421 4.7.0 and close
  // AUTH (RFC 4954): when set, EHLO offers "AUTH PLAIN LOGIN" and this checks a password.
  std::function<bool(const Credentials&)> authenticate;
  // Submission (RFC 6409): MAIL before a successful AUTH gets 530 5.7.0.
  bool require_auth = false;
};

// What the MTA decides, asked synchronously by the session. A 421 reply from any of
// these closes the session after it is sent.
class ServerPolicy {
 public:
  virtual ~ServerPolicy() = default;
  // A positive reply accepts the name; the session then sends its own 250 (with the
  // extension list after EHLO) and ignores the reply's text.
  virtual Reply on_helo(std::string_view helo_name) = 0;
  virtual Reply on_mail(std::string_view sender) = 0;  // "" is the null sender
  virtual Reply on_rcpt(std::string_view recipient) = 0;
  // The whole message (headers and body, CRLF line ends, dot-unstuffed, without the final
  // "."); the envelope holds only the recipients the policy accepted.
  virtual Reply on_message(const Envelope& envelope, std::string data) = 0;
};

class ServerSession {
 public:
  // `policy` must outlive the session.
  ServerSession(ServerConfig config, ServerPolicy& policy);

  void open();  // emits the 220 greeting; call once, before receive()
  // Any split of the byte stream works; complete lines are processed in order, so
  // pipelined commands get their replies in order. Ignored once closed().
  void receive(std::string_view bytes);
  std::string take_output();  // bytes to send to the client since the last call
  // The client sent nothing for the driver's idle timeout (Postfix's smtpd_timeout, 300 s):
  // 421 4.4.2 "timeout exceeded", and the session is closed.
  void timed_out();
  // True after 221 (QUIT) or 421: the driver closes the connection once output is sent.
  bool closed() const { return closed_; }

  const std::string& helo_name() const { return helo_name_; }
  bool esmtp() const { return esmtp_; }      // the client greeted with EHLO, not HELO
  bool in_data() const { return in_data_; }  // receiving message data after 354

 private:
  void process_command(const Line& line);
  void process_data_line(const Line& line);
  void finish_data();
  void send(const Reply& reply);
  void send(int code, std::string_view enhanced, std::string_view text);
  void reset_transaction();
  std::size_t line_limit() const;

  void greet(std::string_view argument, bool extended);
  void ehlo(std::string_view argument) { greet(argument, true); }
  void helo(std::string_view argument) { greet(argument, false); }
  void mail(std::string_view argument);
  void rcpt(std::string_view argument);
  void data(std::string_view argument);
  void rset(std::string_view argument);
  void noop(std::string_view argument);
  void quit(std::string_view argument);
  void vrfy(std::string_view argument);
  void help(std::string_view argument);

  ServerConfig config_;
  ServerPolicy& policy_;
  LineReader reader_;
  std::string output_;
  std::string helo_name_;
  bool esmtp_ = false;
  bool in_transaction_ = false;  // MAIL accepted
  Envelope envelope_;
  bool in_data_ = false;
  bool data_too_big_ = false;
  std::string data_;
  int errors_ = 0;
  bool closed_ = false;
};

}  // namespace mailsim::smtp
