// The sending side of one SMTP connection for one message, sans I/O: server bytes go in,
// command bytes come out, and the outcome is decided per recipient. No clock, sockets or
// threads: the driver moves the bytes, applies the per-stage timeouts from stage() and
// reports a broken connection. Pipelines MAIL, RCPT and DATA when the server offers
// PIPELINING (RFC 2920), checking every reply in order.
#pragma once

#include <cstddef>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mailsim/smtp/envelope.h"
#include "mailsim/smtp/extensions.h"
#include "mailsim/smtp/reply.h"
#include "mailsim/smtp/sasl.h"

namespace mailsim::smtp {

struct ClientConfig {
  std::string helo_name;
  // AUTH PLAIN (RFC 4954) with these credentials after EHLO, when the server offers it.
  std::optional<Credentials> auth;
};

// What the client is waiting for. kDataBody: the reply to the "." that ends the data.
enum class ClientStage { kGreeting, kEhlo, kHelo, kMail, kRcpt, kData, kDataBody, kQuit, kDone };

enum class RecipientStatus { kAccepted, kDeferred, kRejected };

struct RecipientResult {
  std::string recipient;
  RecipientStatus status = RecipientStatus::kDeferred;
  Reply reply;  // the reply that decided this recipient
};

struct ClientResult {
  bool message_sent = false;  // the reply to "." was 2yz
  // The reply that decided the outcome of the last undecided recipients: the 250 after
  // ".", a 421, a synthetic "451 4.4.2 Connection lost", ...
  Reply last_reply;
  // One per envelope recipient, in envelope order. A recipient refused at RCPT keeps that
  // reply. A 4xx/5xx for the whole transaction (greeting, EHLO/HELO, MAIL, DATA, "."), a
  // lost connection or a protocol error decides every other one: 5xx -> kRejected, else
  // kDeferred. Until done(), undecided recipients read kDeferred with reply code 0.
  std::vector<RecipientResult> recipients;
};

struct TranscriptLine {
  char direction;  // 'C' client to server, 'S' server to client
  std::string text;

  friend bool operator==(const TranscriptLine&, const TranscriptLine&) = default;
};

class ClientSession {
 public:
  // `data` is the message (headers and body) with CRLF line ends, not yet dot-stuffed.
  ClientSession(ClientConfig config, Envelope envelope, std::string data);

  void receive(std::string_view bytes);  // server bytes, in any split
  std::string take_output();             // bytes to send since the last call

  // The connection broke, or the current stage timed out: every undecided recipient gets
  // 451 4.4.2 (RFC 5321 3.8) and the session is over. No effect once the outcome is
  // decided. After a timeout following ".", the message may arrive twice.
  void connection_lost();
  void timed_out();

  ClientStage stage() const;
  // The outcome is decided and QUIT sent, or the connection is gone: the driver closes
  // the connection once the output is sent.
  bool done() const { return quit_sent_ || ended_; }
  const ClientResult& result() const { return result_; }
  const Extensions& extensions() const { return extensions_; }

  // Lines exchanged since the last call: commands and reply lines verbatim (one entry per
  // reply line, e.g. "250-PIPELINING"), with the message data summarised as one line
  // "(message data, N bytes)" (N: size of the message as given) followed by ".".
  std::vector<TranscriptLine> take_transcript();

 private:
  struct Sent {
    ClientStage stage;
    std::size_t recipient = 0;  // for kRcpt
  };

  void on_reply(const Reply& reply);
  void on_greeting(const Reply& reply);
  void on_ehlo(const Reply& reply);
  void on_helo(const Reply& reply);
  void on_mail(const Reply& reply);
  void on_rcpt(std::size_t index, const Reply& reply);
  void on_data(const Reply& reply);
  void on_data_body(const Reply& reply);

  void send_command(std::string line, ClientStage stage, std::size_t recipient = 0);
  void send_transaction();
  void send_next_rcpt_or_data();
  void send_message();
  void send_quit();
  void decide(std::size_t index, RecipientStatus status, const Reply& reply);
  void decide_undecided(const Reply& reply);
  void end(const Reply& reply);

  ClientConfig config_;
  Envelope envelope_;
  std::string data_;
  ReplyParser parser_;
  Extensions extensions_;
  std::deque<Sent> pending_;  // commands (and the greeting) whose reply has not come
  std::vector<bool> decided_;
  std::size_t next_rcpt_ = 0;
  std::size_t accepted_ = 0;  // recipients accepted at RCPT
  bool quit_sent_ = false;
  bool ended_ = false;
  ClientResult result_;
  std::string output_;
  std::vector<TranscriptLine> transcript_;
};

}  // namespace mailsim::smtp
