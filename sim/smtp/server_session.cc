#include "mailsim/smtp/server_session.h"

#include <algorithm>
#include <array>
#include <cassert>
#include <limits>
#include <string>
#include <utility>

#include "mailsim/smtp/command.h"
#include "smtp/mail_parameters.h"

namespace mailsim::smtp {
namespace {

constexpr std::size_t kMaxCommandLine = 512;  // octets with CRLF, RFC 5321 4.5.3.1.4
// Postfix's smtpd_sasl_response_limit: a longer AUTH response ends the exchange.
constexpr std::size_t kMaxAuthResponse = 12288;
// Input goes to the line reader a line at a time, so that a pending decision leaves no
// whole line unread there; a long line goes in steps of this size.
constexpr std::size_t kFeedStep = 4096;

Reply make_ehlo_reply(const ServerConfig& config) {
  Reply reply{250, "", {config.hostname, "PIPELINING"}};
  reply.lines.push_back(config.max_message_size > 0
                            ? "SIZE " + std::to_string(config.max_message_size)
                            : std::string("SIZE"));
  if (config.authenticate) reply.lines.emplace_back("AUTH PLAIN LOGIN");
  for (const char* keyword : {"ENHANCEDSTATUSCODES", "8BITMIME", "DSN"}) {
    reply.lines.emplace_back(keyword);
  }
  return reply;
}

// A reply whose text never changes, in wire form, made at its first use.
struct FixedReply {
  FixedReply(int reply_code, std::string_view enhanced, std::string_view text) : code(reply_code) {
    append_reply_wire(wire, code, enhanced, text, /*printable_only=*/true);
  }
  int code;
  std::string wire;
};

// The last positive answer to MAIL and to RCPT with its wire form. A policy answers nearly
// all MAILs alike, and RCPTs ("250 2.1.0 Ok", "250 2.1.5 Ok"), and the MTAs of a run answer
// alike too: a reply equal to the last goes out as a copy of its wire form instead of being
// formatted anew. One per thread, not one per listener: a run's thousand listeners each
// left theirs cold between two sessions. The reply is compared whole, so the wire form is
// right whatever the policy answers.
struct AnswerWire {
  Reply reply;
  std::string wire;
};
thread_local std::array<AnswerWire, 2> last_answers;  // by ServerSession::Answer

// Room in the output for the replies to a pipelined group, which come one at a time.
constexpr std::size_t kOutputReserve = 128;

// Room for a usual header in the data buffer from the start, rather than growing into it.
constexpr std::size_t kDataReserve = 1024;

// The text up to its first space or tab. An EHLO name is long and has neither: memchr looks
// for them faster than find_space()'s loop, which pays for each octet.
std::string_view first_word(std::string_view text) {
  using Traits = std::char_traits<char>;
  if (const char* space = Traits::find(text.data(), text.size(), ' ')) {
    text = text.substr(0, static_cast<std::size_t>(space - text.data()));
  }
  if (const char* tab = Traits::find(text.data(), text.size(), '\t')) {
    text = text.substr(0, static_cast<std::size_t>(tab - text.data()));
  }
  return text;
}

// A four-letter verb in any case as one number, the same for "mail" and "MAIL", so that
// process_command() finds its handler with one switch; 0 for a verb of another length.
// Each octet gets its lower-case bit (0x20) rather than to_upper(): a letter of either case
// gives the lower-case letter, and only a letter does, so no other word takes a verb's code.
constexpr std::uint32_t verb_code(std::string_view verb) {
  if (verb.size() != 4) return 0;
  std::uint32_t code = 0;
  for (const char c : verb) code = code << 8 | (static_cast<unsigned char>(c) | 0x20u);
  return code;
}

}  // namespace

ServerSetup::ServerSetup(ServerConfig config) : config_(std::move(config)) {
  append_reply_wire(greeting_, 220, "", config_.hostname + " ESMTP " + config_.software,
                    /*printable_only=*/true);
  make_ehlo_reply(config_).append_wire(ehlo_reply_, /*printable_only=*/true);
  append_reply_wire(helo_reply_, 250, "", config_.hostname, /*printable_only=*/true);
}

ServerSession::ServerSession(ServerConfig config, ServerPolicy& policy)
    : ServerSession(std::make_shared<const ServerSetup>(std::move(config)), policy) {}

ServerSession::ServerSession(std::shared_ptr<const ServerSetup> setup, ServerPolicy& policy)
    : setup_(std::move(setup)), config_(setup_->config()), policy_(policy) {}

void ServerSession::open() { send_wire(220, setup_->greeting()); }

void ServerSession::open_refused(const Reply& greeting) {
  refused_ = true;
  send(greeting);
}

void ServerSession::receive(std::string_view bytes) {
  if (closed_) return;
  if (filler_ && !filler_ends_line()) flatten_filler();
  if (awaiting_decision()) return hold(bytes);
  consume(bytes);
}

void ServerSession::resume(const Reply& reply) {
  if (closed_) return;
  assert(awaiting_decision());
  (this->*std::exchange(complete_, nullptr))(reply);
  if (closed_) return;
  if (held_overflow_) {
    held_ = {};
    return send(421, "4.7.0", config_.hostname + " Error: too much pipelined input");
  }
  const std::string held = std::exchange(held_, {});
  consume(held);
}

std::string ServerSession::take_output() { return std::exchange(output_, {}); }

void ServerSession::timed_out() {
  if (closed_) return;
  complete_ = nullptr;
  held_ = {};
  send(421, "4.4.2", config_.hostname + " Error: timeout exceeded");
}

// Processes complete lines until a decision is pending, holding back what is left.
void ServerSession::consume(std::string_view bytes) {
  while (!closed_) {
    if (awaiting_decision()) return hold(bytes);
    // Most input comes as whole lines and leaves the reader empty: nothing to ask it then.
    if (std::optional<LineView> line =
            reader_.holds_nothing() ? std::nullopt : reader_.next_view(line_limit())) {
      process_line(*line);
      continue;
    }
    if (bytes.empty()) return;
    if (in_data_ && reader_.holds_nothing() && take_data_lines(bytes)) continue;
    if (std::optional<LineView> line = reader_.take_line(bytes, line_limit())) {
      process_line(*line);  // a whole line without a copy through the reader
      continue;
    }
    const std::size_t line_end = std::min(bytes.find('\n'), bytes.size() - 1);
    const std::size_t step = std::min(line_end + 1, kFeedStep);
    reader_.feed(bytes.substr(0, step));
    bytes.remove_prefix(step);
  }
}

void ServerSession::hold(std::string_view bytes) {
  if (held_overflow_ || held_.size() + bytes.size() > kMaxHeldInput) {
    held_overflow_ = true;
    held_ = {};
    return;
  }
  held_ += bytes;
}

std::size_t ServerSession::line_limit() const {
  if (auth_step_ != AuthStep::kNone) return kMaxAuthResponse;
  if (!in_data_) return kMaxCommandLine;
  if (config_.max_message_size <= 0) return std::numeric_limits<std::size_t>::max();
  // A longer line makes the message too big anyway: CRLF and a stuffed dot on top.
  return static_cast<std::size_t>(config_.max_message_size) + 3;
}

std::size_t ServerSession::data_limit() const {
  return config_.max_message_size > 0 ? static_cast<std::size_t>(config_.max_message_size)
                                      : std::numeric_limits<std::size_t>::max();
}

void ServerSession::process_line(const LineView& line) {
  if (in_data_) return process_data_line(line);
  if (auth_step_ != AuthStep::kNone) return process_auth_response(line);
  process_command(line);
}

void ServerSession::process_command(const LineView& line) {
  if (line.too_long) return send(500, "5.5.0", "line too long");
  const CommandView command = split_command(line.text);
  if (command.verb.empty()) return send(500, "5.5.2", "Error: bad syntax");
  const std::uint32_t verb = verb_code(command.verb);
  if (refused_ && verb != verb_code("QUIT")) return send(503, "5.5.1", "Bad sequence of commands");
  const std::string_view argument = command.argument;
  switch (verb) {
    case verb_code("EHLO"):
      return ehlo(argument);
    case verb_code("HELO"):
      return helo(argument);
    case verb_code("MAIL"):
      return mail(argument);
    case verb_code("RCPT"):
      return rcpt(argument);
    case verb_code("DATA"):
      return data(argument);
    case verb_code("RSET"):
      return rset(argument);
    case verb_code("NOOP"):
      return noop(argument);
    case verb_code("QUIT"):
      return quit(argument);
    case verb_code("VRFY"):
      return vrfy(argument);
    case verb_code("HELP"):
      return help(argument);
    case verb_code("AUTH"):
      return auth(argument);
    default:
      return send(502, "5.5.2", "Error: command not recognized");
  }
}

void ServerSession::settle(const Decision& decision, Completion complete) {
  if (decision.is_pending()) {
    complete_ = complete;
  } else {
    (this->*complete)(decision.reply());
  }
}

void ServerSession::complete_mail(const Reply& reply) {
  in_transaction_ = reply.is_positive();
  if (!in_transaction_) envelope_.clear();
  send_answer(Answer::kMail, reply);
}

// Envelope::rcpt_options stays empty while every recipient has default options. The
// candidate is moved from: the next RCPT sets it anew before it is read.
void ServerSession::complete_rcpt(const Reply& reply) {
  if (reply.is_positive()) {
    if (candidate_.options != RecipientOptions{} || !envelope_.rcpt_options.empty()) {
      envelope_.rcpt_options.resize(envelope_.rcpt_to.size());
      envelope_.rcpt_options.push_back(std::move(candidate_.options));
    }
    envelope_.rcpt_to.push_back(std::move(candidate_.address));
  }
  send_answer(Answer::kRcpt, reply);
}

void ServerSession::complete_message(const Reply& reply) {
  reset_transaction();
  send(reply);
}

// Reply texts may quote what the client sent; on the wire they stay printable ASCII, as
// Postfix's replies do.
void ServerSession::send(const Reply& reply) {
  reply.append_wire(output_, /*printable_only=*/true);
  sent(reply.code);
}

void ServerSession::send_answer(Answer kind, const Reply& reply) {
  if (!reply.is_positive()) return send(reply);  // refusals often quote the command
  AnswerWire& last = last_answers[static_cast<std::size_t>(kind)];
  if (last.reply != reply) {
    last.reply = reply;
    last.wire.clear();
    reply.append_wire(last.wire, /*printable_only=*/true);
  }
  append_output(last.wire);
  sent(reply.code);
}

void ServerSession::send(int code, std::string_view enhanced, std::string_view text) {
  append_reply_wire(output_, code, enhanced, text, /*printable_only=*/true);
  sent(code);
}

void ServerSession::send_wire(int code, std::string_view wire) {
  append_output(wire);
  sent(code);
}

// Output taken by the driver leaves no room behind; the replies to a pipelined group (MAIL,
// each RCPT, DATA) would then grow it once per reply: room for them is made at once.
void ServerSession::append_output(std::string_view wire) {
  const std::size_t size = output_.size() + wire.size();
  if (size > output_.capacity()) output_.reserve(std::max(size, kOutputReserve));
  output_ += wire;
}

// Every 4xx and 5xx counts towards max_errors, as Postfix's error count does.
void ServerSession::sent(int code) {
  if (code == 421) {
    closed_ = true;
  } else if ((code / 100 == 4 || code / 100 == 5) && ++errors_ >= config_.max_errors) {
    send(421, "4.7.0", config_.hostname + " Error: too many errors");
  }
}

void ServerSession::reset_transaction() {
  in_transaction_ = false;
  envelope_.clear();
  data_ = {};
  empty_line_end_ = std::string_view::npos;
  filler_.reset();
  data_too_big_ = false;
}

void ServerSession::greet(std::string_view argument, bool extended) {
  const std::string_view name = first_word(argument);
  if (name.empty())
    return send(501, "5.5.4", extended ? "Syntax: EHLO hostname" : "Syntax: HELO hostname");
  const Reply decision = policy_.on_helo(info_, name);
  if (!decision.is_positive()) return send(decision);
  reset_transaction();
  info_.helo_name.assign(name);
  info_.esmtp = extended;
  send_wire(250, extended ? setup_->ehlo_reply() : setup_->helo_reply());
}

void ServerSession::mail(std::string_view argument) {
  if (info_.helo_name.empty()) return send(503, "5.5.1", "Error: send HELO/EHLO first");
  if (in_transaction_) return send(503, "5.5.1", "Error: nested MAIL command");
  if (config_.require_auth && info_.authenticated_user.empty()) {
    return send(530, "5.7.0", "Authentication required");
  }
  const std::optional<PathView> path = split_path_argument(argument, "FROM");
  if (!path) return send(501, "5.5.4", "Syntax: MAIL FROM:<address>");
  MailOptions options;
  if (auto refusal = read_mail_parameters(path->parameters, auth_offered(), options)) {
    return send(*refusal);
  }
  if (config_.max_message_size > 0 && options.declared_size > config_.max_message_size) {
    return send(552, "5.3.4", "Message size exceeds fixed limit");
  }
  // Set field by field: a whole new Envelope would be built, moved in and destroyed.
  envelope_.clear();
  envelope_.mail_from.assign(path->address);
  envelope_.body = options.body;
  envelope_.ret = options.ret;
  envelope_.envid = std::move(options.envid);
  settle(policy_.on_mail(info_, envelope_.mail_from), &ServerSession::complete_mail);
}

void ServerSession::rcpt(std::string_view argument) {
  if (!in_transaction_) return send(503, "5.5.1", "Error: need MAIL command");
  const std::optional<PathView> path = split_path_argument(argument, "TO");
  if (!path) return send(501, "5.5.4", "Syntax: RCPT TO:<address>");
  if (path->address.empty()) return send(501, "5.1.3", "Bad recipient address syntax");
  RecipientOptions options;
  if (auto refusal = read_rcpt_parameters(path->parameters, options)) return send(*refusal);
  if (envelope_.rcpt_to.size() >= static_cast<std::size_t>(config_.max_recipients)) {
    return send(452, "4.5.3", "Error: too many recipients");
  }
  candidate_.address.assign(path->address);
  candidate_.options = std::move(options);
  settle(policy_.on_rcpt(info_, candidate_.address), &ServerSession::complete_rcpt);
}

// As Postfix: without MAIL the client missed a step (503); with MAIL but no accepted
// recipient the transaction has failed (554), which pipelining makes no protocol error.
void ServerSession::data(std::string_view argument) {
  if (!in_transaction_) return send(503, "5.5.1", "Error: need RCPT command");
  if (envelope_.rcpt_to.empty()) return send(554, "5.5.1", "Error: no valid recipients");
  if (!argument.empty()) return send(501, "5.5.4", "Syntax: DATA");
  if (std::optional<Reply> refusal = policy_.on_data(info_)) return send(*refusal);
  in_data_ = true;
  empty_line_end_ = std::string_view::npos;
  data_.reserve(kDataReserve);
  static const FixedReply kGoAhead(354, "", "End data with <CR><LF>.<CR><LF>");
  send_wire(kGoAhead.code, kGoAhead.wire);
}

void ServerSession::rset(std::string_view argument) {
  if (!argument.empty()) return send(501, "5.5.4", "Syntax: RSET");
  reset_transaction();
  static const FixedReply kOk(250, "2.0.0", "Ok");
  send_wire(kOk.code, kOk.wire);
}

void ServerSession::noop(std::string_view /*argument*/) {
  static const FixedReply kOk(250, "2.0.0", "Ok");
  send_wire(kOk.code, kOk.wire);
}

void ServerSession::quit(std::string_view /*argument*/) {
  static const FixedReply kBye(221, "2.0.0", "Bye");
  send_wire(kBye.code, kBye.wire);
  closed_ = true;
}

void ServerSession::vrfy(std::string_view argument) {
  if (argument.empty()) return send(501, "5.5.4", "Syntax: VRFY address");
  send(252, "2.0.0", "Cannot VRFY user, but will accept message and attempt delivery");
}

void ServerSession::help(std::string_view /*argument*/) {
  send(214, "2.0.0", "Commands: EHLO HELO MAIL RCPT DATA RSET NOOP QUIT VRFY HELP");
}

}  // namespace mailsim::smtp
