#include "mailsim/smtp/server_session.h"

#include <charconv>
#include <limits>
#include <optional>
#include <utility>

#include "mailsim/smtp/command.h"
#include "mailsim/smtp/transparency.h"

namespace mailsim::smtp {
namespace {

constexpr std::size_t kMaxCommandLine = 512;  // octets with CRLF, RFC 5321 4.5.3.1.4

std::optional<Reply> check_size_parameter(std::string_view value, std::int64_t max_size) {
  std::int64_t size = 0;
  const auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), size);
  if (value.empty() || error != std::errc() || end != value.data() + value.size() || size < 0) {
    return make_reply(501, "5.5.4", "Bad message size syntax");
  }
  if (max_size > 0 && size > max_size) {
    return make_reply(552, "5.3.4", "Message size exceeds fixed limit");
  }
  return std::nullopt;
}

// Parameters other than SIZE are accepted and ignored for now.
std::optional<Reply> check_mail_parameters(const PathArgument& path, std::int64_t max_size) {
  for (const MailParameter& parameter : path.parameters) {
    if (parameter.keyword != "SIZE") continue;
    if (auto refusal = check_size_parameter(parameter.value, max_size)) return refusal;
  }
  return std::nullopt;
}

Reply ehlo_reply(const ServerConfig& config) {
  Reply reply{250, "", {config.hostname, "PIPELINING"}};
  reply.lines.push_back(config.max_message_size > 0
                            ? "SIZE " + std::to_string(config.max_message_size)
                            : std::string("SIZE"));
  for (const char* keyword : {"ENHANCEDSTATUSCODES", "8BITMIME", "DSN"}) {
    reply.lines.emplace_back(keyword);
  }
  return reply;
}

std::string_view first_word(std::string_view text) {
  return text.substr(0, std::min(text.find_first_of(" \t"), text.size()));
}

}  // namespace

ServerSession::ServerSession(ServerConfig config, ServerPolicy& policy)
    : config_(std::move(config)), policy_(policy) {}

void ServerSession::open() { send(220, "", config_.hostname + " ESMTP " + config_.software); }

void ServerSession::receive(std::string_view bytes) {
  if (closed_) return;
  reader_.feed(bytes);
  while (!closed_) {
    const std::optional<Line> line = reader_.next(line_limit());
    if (!line) break;
    if (in_data_) {
      process_data_line(*line);
    } else {
      process_command(*line);
    }
    if (!closed_ && errors_ >= config_.max_errors) {
      send(421, "4.7.0", config_.hostname + " Error: too many errors");
    }
  }
}

std::string ServerSession::take_output() { return std::exchange(output_, {}); }

void ServerSession::timed_out() {
  if (!closed_) send(421, "4.4.2", config_.hostname + " Error: timeout exceeded");
}

std::size_t ServerSession::line_limit() const {
  if (!in_data_) return kMaxCommandLine;
  if (config_.max_message_size <= 0) return std::numeric_limits<std::size_t>::max();
  // A longer line makes the message too big anyway: CRLF and a stuffed dot on top.
  return static_cast<std::size_t>(config_.max_message_size) + 3;
}

void ServerSession::process_command(const Line& line) {
  if (line.too_long) return send(500, "5.5.0", "line too long");
  const Command command = parse_command(line.text);
  using Handler = void (ServerSession::*)(std::string_view);
  static constexpr std::pair<std::string_view, Handler> kHandlers[] = {
      {"EHLO", &ServerSession::ehlo}, {"HELO", &ServerSession::helo},
      {"MAIL", &ServerSession::mail}, {"RCPT", &ServerSession::rcpt},
      {"DATA", &ServerSession::data}, {"RSET", &ServerSession::rset},
      {"NOOP", &ServerSession::noop}, {"QUIT", &ServerSession::quit},
      {"VRFY", &ServerSession::vrfy}, {"HELP", &ServerSession::help},
  };
  if (command.verb.empty()) return send(500, "5.5.2", "Error: bad syntax");
  for (const auto& [verb, handler] : kHandlers) {
    if (verb == command.verb) return (this->*handler)(command.argument);
  }
  send(502, "5.5.2", "Error: command not recognized");
}

void ServerSession::process_data_line(const Line& line) {
  if (!line.too_long && line.text == ".") return finish_data();
  if (data_too_big_) return;
  const std::string_view text = dot_unstuff_line(line.text);
  const std::size_t limit = config_.max_message_size > 0
                                ? static_cast<std::size_t>(config_.max_message_size)
                                : std::numeric_limits<std::size_t>::max();
  if (line.too_long || data_.size() + text.size() + 2 > limit) {
    data_too_big_ = true;
    data_ = {};  // keep reading to the final "." but hold nothing
    return;
  }
  data_ += text;
  data_ += "\r\n";
}

void ServerSession::finish_data() {
  in_data_ = false;
  const Reply decision = data_too_big_
                             ? make_reply(552, "5.3.4", "Message size exceeds fixed limit")
                             : policy_.on_message(envelope_, std::exchange(data_, {}));
  reset_transaction();
  send(decision);
}

void ServerSession::send(const Reply& reply) {
  output_ += reply.wire();
  if (reply.is_transient() || reply.is_permanent()) ++errors_;
  if (reply.code == 421) closed_ = true;
}

void ServerSession::send(int code, std::string_view enhanced, std::string_view text) {
  send(make_reply(code, std::string(enhanced), text));
}

void ServerSession::reset_transaction() {
  in_transaction_ = false;
  envelope_ = {};
  data_ = {};
  data_too_big_ = false;
}

void ServerSession::greet(std::string_view argument, bool extended) {
  const std::string_view name = first_word(argument);
  if (name.empty())
    return send(501, "5.5.4", extended ? "Syntax: EHLO hostname" : "Syntax: HELO hostname");
  const Reply decision = policy_.on_helo(name);
  if (!decision.is_positive()) return send(decision);
  reset_transaction();
  helo_name_ = std::string(name);
  esmtp_ = extended;
  send(extended ? ehlo_reply(config_) : make_reply(250, "", config_.hostname));
}

void ServerSession::mail(std::string_view argument) {
  if (helo_name_.empty()) return send(503, "5.5.1", "Error: send HELO/EHLO first");
  if (in_transaction_) return send(503, "5.5.1", "Error: nested MAIL command");
  const std::optional<PathArgument> path = parse_path_argument(argument, "FROM");
  if (!path) return send(501, "5.5.4", "Syntax: MAIL FROM:<address>");
  if (auto refusal = check_mail_parameters(*path, config_.max_message_size)) return send(*refusal);
  const Reply decision = policy_.on_mail(path->address);
  if (decision.is_positive()) {
    in_transaction_ = true;
    envelope_.mail_from = path->address;
  }
  send(decision);
}

void ServerSession::rcpt(std::string_view argument) {
  if (!in_transaction_) return send(503, "5.5.1", "Error: need MAIL command");
  const std::optional<PathArgument> path = parse_path_argument(argument, "TO");
  if (!path) return send(501, "5.5.4", "Syntax: RCPT TO:<address>");
  if (path->address.empty()) return send(501, "5.1.3", "Bad recipient address syntax");
  if (envelope_.rcpt_to.size() >= static_cast<std::size_t>(config_.max_recipients)) {
    return send(452, "4.5.3", "Error: too many recipients");
  }
  const Reply decision = policy_.on_rcpt(path->address);
  if (decision.is_positive()) envelope_.rcpt_to.push_back(path->address);
  send(decision);
}

// As Postfix: without MAIL the client missed a step (503); with MAIL but no accepted
// recipient the transaction has failed (554).
void ServerSession::data(std::string_view argument) {
  if (!argument.empty()) return send(501, "5.5.4", "Syntax: DATA");
  if (!in_transaction_) return send(503, "5.5.1", "Error: need RCPT command");
  if (envelope_.rcpt_to.empty()) return send(554, "5.5.1", "Error: no valid recipients");
  in_data_ = true;
  send(354, "", "End data with <CR><LF>.<CR><LF>");
}

void ServerSession::rset(std::string_view argument) {
  if (!argument.empty()) return send(501, "5.5.4", "Syntax: RSET");
  reset_transaction();
  send(250, "2.0.0", "Ok");
}

void ServerSession::noop(std::string_view /*argument*/) { send(250, "2.0.0", "Ok"); }

void ServerSession::quit(std::string_view /*argument*/) {
  send(221, "2.0.0", "Bye");
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
