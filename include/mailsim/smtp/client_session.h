// The sending side of one SMTP connection, sans I/O: server bytes go in, command and
// message bytes come out, and each queued message's outcome is decided per recipient.
// After the greeting, EHLO (HELO when EHLO is refused) and AUTH PLAIN when configured, the
// messages queued on the session go one transaction after the other: MAIL with SIZE, BODY
// and the DSN parameters the server offers, RCPT, DATA, the dot-stuffed data in bounded
// pieces, and RSET before the next one only when a transaction failed midway; QUIT when
// the queue is finished. With PIPELINING (RFC 2920) MAIL, RCPT and DATA go in one group and
// every reply is checked in order. No clock, sockets or threads: the driver moves the
// bytes, applies the limit for stage() (smtp/timeouts.h) and reports a broken connection.
#pragma once

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mailsim/smtp/envelope.h"
#include "mailsim/smtp/extensions.h"
#include "mailsim/smtp/message_body.h"
#include "mailsim/smtp/reply.h"
#include "mailsim/smtp/sasl.h"

namespace mailsim::smtp {

struct ClientConfig {
  // Not owned: the name's owner (an MTA's or a client's configuration, a caller's string)
  // outlives the session, which is made per connection and so does not copy it.
  std::string_view helo_name;
  // AUTH PLAIN (RFC 4954) with these credentials after EHLO, when the server offers AUTH.
  std::optional<Credentials> auth;
  // Keep the lines take_transcript() gives; false: it gives none, and the session saves a
  // string per line (a caller that records no transcript).
  bool transcript = true;
};

// What the client is doing: the reply it waits for, except kSendingData (message data is
// still to be taken with take_output()) and kIdle (between messages, waiting for
// add_message() or finish()). kDataBody: the reply to the "." that ends the data.
enum class ClientStage {
  kGreeting,
  kEhlo,
  kHelo,
  kAuth,
  kRset,
  kMail,
  kRcpt,
  kData,
  kSendingData,
  kDataBody,
  kIdle,
  kQuit,
  kDone
};

enum class RecipientStatus { kAccepted, kDeferred, kRejected };

// One envelope recipient's outcome; ClientSession::envelope() names the recipient, and
// ClientResult::reply_of() gives the reply that decided it.
struct RecipientResult {
  RecipientStatus status = RecipientStatus::kDeferred;
  // The reply that decided this recipient alone (its RCPT refused); code 0 while it is
  // undecided and when the reply that decided the whole transaction did (last_reply): most
  // recipients, which so hold no copy of it. Readers want ClientResult::reply_of().
  Reply own_reply;
};

// The outcome of one message's transaction.
struct ClientResult {
  bool complete = false;      // every recipient below is decided
  bool message_sent = false;  // the reply to "." was 2yz
  // The reply that decided the outcome of the last undecided recipients: the 250 after
  // ".", a 421, a synthetic "451 4.4.2 Connection lost", ...
  Reply last_reply;
  // One per envelope recipient, in envelope order: recipients[i] is rcpt_to[i]'s (the
  // result holds no copy of the addresses). A recipient refused at RCPT keeps that reply.
  // A 4xx/5xx for the whole transaction (greeting, EHLO/HELO, AUTH, MAIL, DATA, "."), a lost
  // connection or a protocol error decides every other one: 5xx -> kRejected, else kDeferred. Until
  // complete, undecided recipients read kDeferred with reply code 0.
  std::vector<RecipientResult> recipients;

  // The reply that decided recipients[i]: its own, or last_reply once the transaction's end
  // decided it; code 0 while it is undecided.
  const Reply& reply_of(std::size_t i) const {
    return recipients[i].own_reply.code != 0 || !complete ? recipients[i].own_reply : last_reply;
  }
};

struct TranscriptLine {
  char direction;  // 'C' client to server, 'S' server to client
  std::string text;

  friend bool operator==(const TranscriptLine&, const TranscriptLine&) = default;
};

class ClientSession {
 public:
  // Message data goes out in pieces of at most this many octets of the message per
  // take_output() call.
  static constexpr std::int64_t kDataChunk = std::int64_t{64} * 1024;

  // Nothing queued yet: after the greeting and EHLO the session waits (kIdle) for
  // add_message() or finish().
  explicit ClientSession(ClientConfig config);
  // One message, and QUIT after it. `data` is the whole message (headers and body) with
  // CRLF line ends, not yet dot-stuffed.
  ClientSession(ClientConfig config, Envelope envelope, std::string data);
  ClientSession(ClientConfig config, Envelope envelope, SharedMessage message);

  // Queues a message behind the others; returns its index for result(). Once the session
  // has ended or failed for good (421, a lost connection, a refused greeting...), the
  // message is decided at once by the reply that ended it. REQUIRES: finish() not called.
  std::size_t add_message(Envelope envelope, SharedMessage message);
  // No more messages: QUIT follows the last queued one.
  void finish();
  // RSET goes before the next queued message, as a client checks a connection it takes
  // from a cache (Postfix, Exim). REQUIRES: called before that add_message().
  void reset_before_next() { rset_needed_ = true; }

  void receive(std::string_view bytes);  // server bytes, in any split
  // Bytes to send since the last call. While stage() is kSendingData each call adds the
  // next piece of the message data (kDataChunk octets of the message at most).
  std::string take_output();
  // The same, with a synthetic body's filler as a virtual span (for a simulated connection,
  // whose peer takes it back as such: ServerSession::receive(const Payload&)).
  Payload take_payload();
  // Everything to send now: take_payload() until it gives nothing, joined.
  Payload take_all_output();

  // The connection broke, or the current stage timed out: every undecided recipient gets
  // 451 4.4.2 (RFC 5321 3.8) and the session is over. No effect once done(). After a
  // timeout following ".", the message may arrive twice.
  void connection_lost();
  void timed_out();

  ClientStage stage() const;
  // The outcome of every queued message is decided and QUIT sent, or the connection is
  // gone: the driver closes the connection once the output is sent.
  bool done() const { return quit_sent_ || ended_; }
  std::size_t message_count() const { return message_count_; }
  // REQUIRES: message < message_count(). The reference is valid until the next
  // add_message().
  const ClientResult& result(std::size_t message = 0) const { return transaction(message).result; }
  // The envelope message `message` was queued with. REQUIRES: message < message_count(). The
  // reference is valid until the next add_message().
  const Envelope& envelope(std::size_t message) const { return transaction(message).envelope; }
  const Extensions& extensions() const { return extensions_; }

  // Lines exchanged since the last call: commands and reply lines verbatim (one entry per
  // reply line, e.g. "250-PIPELINING"), with the message data summarised as one line
  // "(message data, N bytes)" (N: size of the message as given) followed by ".", and the
  // AUTH credentials hidden.
  std::vector<TranscriptLine> take_transcript();

 private:
  struct Sent {
    ClientStage stage;
    std::size_t message = 0;    // for the stages of a transaction
    std::size_t recipient = 0;  // for kRcpt
  };

  struct Transaction {
    Envelope envelope;
    SharedMessage message;
    // A recipient is undecided while its reply's code is 0: every reply that decides one
    // has a code (the server's, or a 4.x.x the session makes up).
    ClientResult result;
    std::size_t next_rcpt = 0;
    std::size_t accepted = 0;  // recipients accepted at RCPT

    void decide(std::size_t index, RecipientStatus status, const Reply& reply);
    void decide_undecided(RecipientStatus status, const Reply& reply);
  };

  // Connection (client_session.cc).
  void on_reply(const Reply& reply);
  void on_greeting(const Reply& reply);
  void on_ehlo(const Reply& reply);
  void on_helo(const Reply& reply);
  void on_auth(const Reply& reply);
  void on_rset(const Reply& reply);
  void ready();
  void advance();
  void fail_all(const Reply& reply, RecipientStatus status);
  void fail_all(const Reply& reply);
  void end(const Reply& reply);
  // Sends the command made of `parts` joined.
  void send_command(std::initializer_list<std::string_view> parts, Sent sent);
  std::size_t begin_command();
  void end_command(std::size_t start, Sent sent);
  void note(char direction, std::string_view line);  // a transcript line
  bool awaiting_reply() const { return answered_ < sent_.size(); }
  void send_quit();
  static RecipientStatus failure_status(const Reply& reply);

  // Transactions (client_transaction.cc).
  Transaction& transaction(std::size_t message) {
    return message == 0 ? first_ : later_[message - 1];
  }
  const Transaction& transaction(std::size_t message) const {
    return message == 0 ? first_ : later_[message - 1];
  }
  void dispatch_transaction_reply(const Sent& sent, const Reply& reply);
  void start_transaction();
  void send_rcpt(const Transaction& t);  // RCPT for t.next_rcpt
  void send_next_rcpt_or_data();
  void on_mail(Transaction& t, const Reply& reply);
  void on_rcpt(Transaction& t, std::size_t index, const Reply& reply);
  void on_data(Transaction& t, const Reply& reply);
  void on_data_body(Transaction& t, const Reply& reply);
  void send_data_piece();
  void finish_data();
  void complete_transaction(Transaction& t, bool rset_needed);

  // What every reply and command reads comes first, together in the object's first cache
  // lines: a session's next event usually comes after thousands of others' and finds it
  // cold.
  //
  // The commands (and the greeting) sent, those from `answered_` on still waiting for their
  // reply, in order. Emptied whenever every reply has come, so that it holds little more
  // than a pipelined group; a std::deque would allocate two blocks each session.
  std::vector<Sent> sent_;
  std::size_t answered_ = 0;
  std::size_t message_count_ = 0;  // the transactions queued (first_, then later_)
  std::size_t current_ = 0;        // the next transaction to run or the one running
  bool ready_ = false;             // greeted, and authenticated when configured
  bool busy_ = false;              // a transaction or an RSET is under way
  bool rset_needed_ = false;       // the last transaction failed after MAIL was accepted
  bool finished_ = false;
  bool quit_sent_ = false;
  bool ended_ = false;
  RecipientStatus failure_status_ = RecipientStatus::kDeferred;
  Payload output_;
  std::optional<DataStream> data_;  // the message data still to be taken
  ReplyParser parser_;
  Extensions extensions_;
  ClientConfig config_;
  std::optional<Reply> failure_;  // the reply that ended the session for every message
  std::vector<TranscriptLine> transcript_;
  // Each queued message's, in order (transaction()): the first in the session itself, since
  // most sessions carry one message and so allocate nothing for it, the others in later_. A
  // reference to one is valid until the next add_message().
  Transaction first_;
  std::vector<Transaction> later_;
};

}  // namespace mailsim::smtp
