// The receiving side of one SMTP connection, sans I/O: bytes from the client go in,
// reply bytes come out, and the MTA's decisions are asked of a ServerPolicy, which may
// answer at once or later. No clock, sockets or threads: the driver (simulator, real
// socket, test) moves the bytes, applies timeouts and delivers late decisions. Replies and
// their texts follow Postfix's smtpd.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "mailsim/smtp/envelope.h"
#include "mailsim/smtp/line_reader.h"
#include "mailsim/smtp/message_body.h"
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

// A server's config with the replies that depend on nothing else, in wire form: made once
// and shared by the sessions of one listener, instead of by each session anew. Immutable.
class ServerSetup {
 public:
  explicit ServerSetup(ServerConfig config);

  const ServerConfig& config() const { return config_; }
  const std::string& greeting() const { return greeting_; }      // 220 HOSTNAME ESMTP ...
  const std::string& ehlo_reply() const { return ehlo_reply_; }  // 250 with the extensions
  const std::string& helo_reply() const { return helo_reply_; }  // 250 HOSTNAME

 private:
  ServerConfig config_;
  std::string greeting_;
  std::string ehlo_reply_;
  std::string helo_reply_;
};

// What the policy knows of the client when it decides.
struct SessionInfo {
  std::string helo_name;           // from the last accepted HELO or EHLO; "" before
  bool esmtp = false;              // the client greeted with EHLO, not HELO
  std::string authenticated_user;  // after a successful AUTH ("with ESMTPA"); "" otherwise
};

// A policy's answer: a reply now, or pending() when the policy decides later (a content
// filter, a tarpit) and the driver will hand the reply to ServerSession::resume().
class Decision {
 public:
  // A reply is a decision. Copied or moved in once: taken by value, it was moved twice.
  Decision(const Reply& reply) : reply_(reply) {}        // NOLINT: a reply is a decision
  Decision(Reply&& reply) : reply_(std::move(reply)) {}  // NOLINT: a reply is a decision
  static Decision pending() { return {}; }

  bool is_pending() const { return !reply_.has_value(); }
  const Reply& reply() const { return *reply_; }  // REQUIRES: !is_pending()

 private:
  Decision() = default;
  std::optional<Reply> reply_;
};

// What the MTA decides. A 421 reply from any of these closes the session after it is sent.
// After Decision::pending() the session asks nothing more until the driver calls resume()
// with the reply, once. The arguments are valid only during the call: a policy that
// decides later copies what it needs.
class ServerPolicy {
 public:
  virtual ~ServerPolicy() = default;
  // Answered at once. A positive reply accepts the name; the session then sends its own
  // 250 (with the extension list after EHLO) and ignores the reply's text.
  virtual Reply on_helo(const SessionInfo& session, std::string_view helo_name) = 0;
  virtual Decision on_mail(const SessionInfo& session, std::string_view sender) = 0;  // "": null
  virtual Decision on_rcpt(const SessionInfo& session, std::string_view recipient) = 0;
  // Answered at once, after DATA passed the session's own checks: nullopt lets the session
  // answer 354; a reply refuses DATA and keeps the transaction.
  virtual std::optional<Reply> on_data(const SessionInfo& /*session*/) { return std::nullopt; }
  // The whole message (headers and body, CRLF line ends, dot-unstuffed, without the final
  // "."); the envelope holds only the recipients the policy accepted, with their DSN options.
  // Both are the policy's: a queue keeps the addresses without copying them.
  virtual Decision on_message(const SessionInfo& session, Envelope envelope, std::string data) = 0;
  // The same for a message whose body came as a synthetic body's filler in virtual spans
  // (ServerSession::receive(const Payload&)): the header text and that body, not generated.
  // The default generates it for on_message().
  virtual Decision on_synthetic_message(const SessionInfo& session, Envelope envelope,
                                        SharedMessage message) {
    return on_message(session, std::move(envelope), message->text());
  }
};

class ServerSession {
 public:
  // While a decision is pending the session holds the client's further input, up to this
  // many octets; past that it answers the pending command and then closes with 421 4.7.0.
  static constexpr std::size_t kMaxHeldInput = std::size_t{64} * 1024;

  // `policy` must outlive the session.
  ServerSession(ServerConfig config, ServerPolicy& policy);
  ServerSession(std::shared_ptr<const ServerSetup> setup, ServerPolicy& policy);

  void open();  // emits the 220 greeting; call once, before receive()
  // Instead of open(): greets with `greeting`, a 4xx or 5xx refusal (RFC 5321 §3.1). A 421
  // closes the session at once; any other code (554 "no SMTP service here") keeps it open
  // until the client's QUIT (221), answering every other command 503 5.5.1.
  void open_refused(const Reply& greeting);
  // Any split of the byte stream works; complete lines are processed in order, so
  // pipelined commands get their replies in order. Ignored once closed().
  void receive(std::string_view bytes);
  // The same for bytes that may hold virtual spans (core/payload.h). In DATA, a synthetic
  // body's filler (MessageBody::is_filler) that starts at a line is accounted for without
  // generating it: its lines are short, never start with "." and end with CRLF, so no line
  // of it can end the data or need unstuffing. A message whose whole body came so goes to
  // ServerPolicy::on_synthetic_message(); anything else is generated and read as bytes.
  void receive(const Payload& payload);
  // The reply to the decision the policy left pending. Input that arrived meanwhile is
  // then processed, in order. REQUIRES: awaiting_decision(), unless closed().
  void resume(const Reply& reply);
  std::string take_output();  // bytes to send to the client since the last call
  // The client sent nothing for the driver's idle timeout (Postfix's smtpd_timeout, 300 s):
  // 421 4.4.2 "timeout exceeded", and the session is closed. A pending decision is dropped.
  void timed_out();
  // True after 221 (QUIT) or 421: the driver closes the connection once output is sent.
  bool closed() const { return closed_; }
  // A policy decision is pending: the driver should stop reading until resume().
  bool awaiting_decision() const { return complete_ != nullptr; }

  const SessionInfo& info() const { return info_; }
  const std::string& helo_name() const { return info_.helo_name; }
  bool esmtp() const { return info_.esmtp; }
  const std::string& authenticated_user() const { return info_.authenticated_user; }
  bool in_data() const { return in_data_; }  // receiving message data after 354
  // The transaction under way: MAIL FROM with its options from the MAIL being decided on,
  // and the recipients accepted so far. Empty outside a transaction; once the message
  // went to the policy, what is left of it is not to be read.
  const Envelope& envelope() const { return envelope_; }
  // Octets held for the client: input kept while a decision is pending (at most
  // kMaxHeldInput) and message data (at most max_message_size). Not counted: the line
  // reader's incomplete line, which its line limit bounds.
  std::size_t buffered_bytes() const;

 private:
  enum class AuthStep : std::uint8_t { kNone, kPlainResponse, kLoginUser, kLoginPassword };
  // The commands whose positive answers from the policy are remembered in wire form.
  enum class Answer : std::uint8_t { kMail, kRcpt };
  // Finishes a command once its decision is known (now or at resume()).
  using Completion = void (ServerSession::*)(const Reply&);
  struct Recipient {
    std::string address;
    RecipientOptions options;
  };

  // Octets [begin, end) of a synthetic body's filler, received in DATA after data_ and not
  // generated. Nothing real came after them but whole lines, if end starts a line.
  struct FillerRun {
    VirtualContent content;
    std::int64_t begin = 0;
    std::int64_t end = 0;
  };

  void consume(std::string_view bytes);
  // In server_filler.cc.
  void receive(const VirtualSpan& span);
  bool take_filler(const VirtualSpan& span);
  bool filler_ends_line() const;
  void flatten_filler();
  SharedMessage take_synthetic_message();
  void hold(std::string_view bytes);
  void process_line(const LineView& line);
  void process_command(const LineView& line);
  // Message data, in server_data.cc.
  bool take_data_lines(std::string_view& bytes);
  void note_empty_line(std::size_t from);  // for lines added to data_ at `from`
  void process_data_line(const LineView& line);
  void finish_data();
  std::size_t data_limit() const;  // max_message_size, unless there is none
  void settle(const Decision& decision, Completion complete);
  void complete_mail(const Reply& reply);
  void complete_rcpt(const Reply& reply);
  void complete_message(const Reply& reply);
  void send(const Reply& reply);
  void send_answer(Answer kind, const Reply& reply);                      // the policy's, to `kind`
  void send(int code, std::string_view enhanced, std::string_view text);  // make_reply()'s
  void send_wire(int code, std::string_view wire);  // a reply already in wire form
  void append_output(std::string_view wire);
  void sent(int code);  // after a reply with `code` went out: closing, the error count
  void send_challenge(std::string_view base64_text);  // "334 ...", RFC 4954
  void reset_transaction();
  std::size_t line_limit() const;
  bool auth_offered() const { return static_cast<bool>(config_.authenticate); }

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

  // AUTH, in server_auth.cc.
  void auth(std::string_view argument);
  void auth_plain(std::optional<std::string_view> initial_response);
  void auth_login(std::optional<std::string_view> initial_response);
  void process_auth_response(const LineView& line);
  void check_credentials(const std::optional<Credentials>& credentials);

  // What every event reads comes first, together in the object's first cache lines: a
  // session's next event usually comes after thousands of others' and finds it cold.
  std::shared_ptr<const ServerSetup> setup_;
  const ServerConfig& config_;  // setup_'s
  ServerPolicy& policy_;
  Completion complete_ = nullptr;  // set while a decision is pending
  int errors_ = 0;
  bool closed_ = false;
  bool refused_ = false;         // greeted with a refusal: only QUIT is served
  bool in_transaction_ = false;  // MAIL accepted
  bool in_data_ = false;
  bool data_too_big_ = false;
  bool held_overflow_ = false;  // more than kMaxHeldInput came
  AuthStep auth_step_ = AuthStep::kNone;
  LineReader reader_;
  std::string output_;
  std::string data_;
  // The offset in data_ just past its first empty line (where the body begins); npos until
  // there is one.
  std::size_t empty_line_end_ = std::string_view::npos;
  SessionInfo info_;
  Envelope envelope_;
  Recipient candidate_;  // the RCPT the policy is deciding
  std::optional<FillerRun> filler_;
  std::string login_user_;  // AUTH LOGIN: the user name, while the password is asked
  std::string held_;        // input that came while a decision was pending
};

}  // namespace mailsim::smtp
