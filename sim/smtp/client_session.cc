// The connection half of ClientSession: greeting, EHLO/HELO, AUTH, RSET between
// transactions, QUIT, and the failures that end every queued message at once. The
// transactions themselves are in client_transaction.cc.
#include "mailsim/smtp/client_session.h"

#include <cassert>
#include <memory>
#include <utility>

#include "smtp/client_commands.h"

namespace mailsim::smtp {
namespace {

// Output up to this many real bytes (command lines, a synthetic message's header) is
// copied out of output_, whose capacity, reserved once, stays for the session's next
// commands; more goes out in output_'s own storage, which is then dropped.
constexpr std::size_t kKeptOutput = 1024;

// Commands a session has sent and awaits replies to, at most, nearly always: the greeting
// or EHLO alone, or a pipelined MAIL, a few RCPTs and DATA.
constexpr std::size_t kSentReserve = 8;

std::string_view awaited(ClientStage stage) {
  switch (stage) {
    case ClientStage::kGreeting:
      return "the greeting";
    case ClientStage::kEhlo:
      return "the reply to EHLO";
    case ClientStage::kHelo:
      return "the reply to HELO";
    case ClientStage::kAuth:
      return "the reply to AUTH";
    case ClientStage::kRset:
      return "the reply to RSET";
    case ClientStage::kMail:
      return "the reply to MAIL FROM";
    case ClientStage::kRcpt:
      return "the reply to RCPT TO";
    case ClientStage::kData:
      return "the reply to DATA";
    case ClientStage::kSendingData:
      return "the server to take the message data";
    case ClientStage::kDataBody:
      return "the reply to end of data";
    case ClientStage::kIdle:
      return "the next message";
    case ClientStage::kQuit:
      return "the reply to QUIT";
    case ClientStage::kDone:
      break;
  }
  return "nothing";
}

// The positive reply each stage waits for; 4yz and 5yz are failures, anything else is a
// protocol error.
bool is_expected(ClientStage stage, const Reply& reply) {
  return stage == ClientStage::kData ? reply.code == 354 : reply.is_positive();
}

Reply protocol_error(std::string_view what) {
  return make_reply(451, "4.5.0", "Protocol error: " + std::string(what));
}

}  // namespace

ClientSession::ClientSession(ClientConfig config)
    : parser_(config.transcript), config_(std::move(config)) {
  sent_.reserve(kSentReserve);
  output_.reserve_bytes(kKeptOutput);
  sent_.push_back({ClientStage::kGreeting});
}

ClientSession::ClientSession(ClientConfig config, Envelope envelope, std::string data)
    : ClientSession(std::move(config), std::move(envelope),
                    std::make_shared<const Message>(std::move(data))) {}

ClientSession::ClientSession(ClientConfig config, Envelope envelope, SharedMessage message)
    : ClientSession(std::move(config)) {
  add_message(std::move(envelope), std::move(message));
  finish();
}

std::size_t ClientSession::add_message(Envelope envelope, SharedMessage message) {
  assert(!finished_);
  Transaction& t = message_count_ == 0 ? first_ : later_.emplace_back();
  ++message_count_;
  t.envelope = std::move(envelope);
  t.message = std::move(message);
  t.result.recipients.resize(t.envelope.rcpt_to.size());  // each undecided
  if (failure_) {
    t.decide_undecided(failure_status_, *failure_);
    t.result.complete = true;
    current_ = message_count_;
  }
  advance();
  return message_count_ - 1;
}

void ClientSession::finish() {
  finished_ = true;
  advance();
}

void ClientSession::receive(std::string_view bytes) {
  while (const Reply* reply = parser_.next(bytes)) {
    // A server that answers before the data was all taken answers the "." it cannot have
    // seen yet: the data goes out in full first.
    if (!awaiting_reply() && data_ && reply->code != 421) finish_data();
    for (const std::string& line : parser_.raw_lines()) note('S', line);
    on_reply(*reply);
  }
  if (parser_.malformed() && !ended_) {
    for (const std::string& line : parser_.raw_lines()) note('S', line);
    end(protocol_error("malformed reply from server"));
  }
}

std::string ClientSession::take_output() { return take_payload().materialise(); }

Payload ClientSession::take_payload() {
  if (data_) send_data_piece();
  return std::exchange(output_, {});
}

// One piece after the other into one payload. The network holds it until it is delivered,
// so its real bytes are kept at their size, not at the capacity that growing by doubling
// left. Small output is copied out, and output_ keeps its capacity for the next commands of
// the session rather than growing anew each time.
Payload ClientSession::take_all_output() {
  finish_data();  // the pieces take_payload() would give one by one, in output_ at once
  // Nothing to send after about a third of the replies (one of a pipelined group's, the
  // 221): take_fitted() would move an empty payload out.
  if (output_.empty()) return {};
  if (output_.tail_bytes().size() <= kKeptOutput) return output_.take_fitted();
  Payload out = std::exchange(output_, {});
  out.tail_bytes().shrink_to_fit();
  return out;
}

std::vector<TranscriptLine> ClientSession::take_transcript() {
  return std::exchange(transcript_, {});
}

void ClientSession::connection_lost() {
  if (!done()) end(make_reply(451, "4.4.2", "Connection lost"));
  ended_ = true;
}

void ClientSession::timed_out() {
  if (!done()) {
    end(make_reply(451, "4.4.2", "Timed out waiting for " + std::string(awaited(stage()))));
  }
  ended_ = true;
}

ClientStage ClientSession::stage() const {
  if (ended_) return ClientStage::kDone;
  if (quit_sent_) return ClientStage::kQuit;
  if (data_) return ClientStage::kSendingData;
  if (!awaiting_reply()) return ClientStage::kIdle;
  return sent_[answered_].stage;
}

void ClientSession::on_reply(const Reply& reply) {
  if (ended_) return;
  if (!awaiting_reply()) {  // nothing was asked: a 421 while idle, or a confused server
    return end(reply.code == 421 ? reply : protocol_error("unexpected reply: " + reply.text()));
  }
  const Sent sent = sent_[answered_++];
  if (!awaiting_reply()) {  // its capacity serves the commands to come
    sent_.clear();
    answered_ = 0;
  }
  if (quit_sent_) {  // the outcome is decided; what is left only goes to the transcript
    ended_ = sent.stage == ClientStage::kQuit;
    return;
  }
  if (reply.code == 421) return end(reply);
  if (!reply.is_transient() && !reply.is_permanent() && !is_expected(sent.stage, reply)) {
    return end(protocol_error("unexpected reply to " + std::string(awaited(sent.stage)) + ": " +
                              std::to_string(reply.code) + " " + reply.text()));
  }
  switch (sent.stage) {
    case ClientStage::kGreeting:
      return on_greeting(reply);
    case ClientStage::kEhlo:
      return on_ehlo(reply);
    case ClientStage::kHelo:
      return on_helo(reply);
    case ClientStage::kAuth:
      return on_auth(reply);
    case ClientStage::kRset:
      return on_rset(reply);
    default:
      return dispatch_transaction_reply(sent, reply);
  }
}

void ClientSession::on_greeting(const Reply& reply) {
  if (!reply.is_positive()) {
    fail_all(reply);
    return send_quit();
  }
  send_command({"EHLO ", config_.helo_name}, {ClientStage::kEhlo});
}

void ClientSession::on_ehlo(const Reply& reply) {
  if (reply.is_permanent()) return send_command({"HELO ", config_.helo_name}, {ClientStage::kHelo});
  if (!reply.is_positive()) {
    fail_all(reply);
    return send_quit();
  }
  extensions_ = parse_extensions(reply);
  // Like Postfix (smtp_proto.c, smtp_helo): with smtp_sasl_auth_enable set, it
  // authenticates only when the server's EHLO offers AUTH, and otherwise carries on
  // without; offered mechanisms it cannot use defer the mail with 4.7.0
  // (smtp_sasl_proto.c, smtp_sasl_helo_login).
  if (!config_.auth || !extensions_.auth) return ready();
  if (!extensions_.offers_auth("PLAIN")) {
    fail_all(make_reply(451, "4.7.0",
                        "SASL authentication failed: server offered no compatible authentication "
                        "mechanisms"),
             RecipientStatus::kDeferred);
    return send_quit();
  }
  // The initial response goes on the AUTH line (RFC 4954 4); the transcript hides it.
  output_.append("AUTH PLAIN " + plain_response(*config_.auth) + "\r\n");
  note('C', "AUTH PLAIN (credentials hidden)");
  sent_.push_back({ClientStage::kAuth});
}

void ClientSession::on_helo(const Reply& reply) {
  if (!reply.is_positive()) {
    fail_all(reply);
    return send_quit();
  }
  ready();
}

// 235 goes on; a 4xx defers and a 5xx rejects every message (Postfix would soften a 5xx
// here to 4xx with smtp_sasl_auth_soft_bounce, its default).
void ClientSession::on_auth(const Reply& reply) {
  if (!reply.is_positive()) {
    fail_all(reply);
    return send_quit();
  }
  ready();
}

// A refused RSET leaves the connection in an unknown state: the messages left are deferred,
// to be tried over another connection, as Exim does (transports/smtp.c).
void ClientSession::on_rset(const Reply& reply) {
  if (!reply.is_positive()) {
    fail_all(reply, RecipientStatus::kDeferred);
    return send_quit();
  }
  busy_ = false;
  advance();
}

void ClientSession::ready() {
  ready_ = true;
  advance();
}

// Starts what comes next once nothing is under way: RSET if the last transaction failed
// midway, then the next message; QUIT when the queue is finished and empty.
void ClientSession::advance() {
  if (!ready_ || busy_ || quit_sent_ || ended_) return;
  if (current_ < message_count_) {
    if (!std::exchange(rset_needed_, false)) return start_transaction();
    busy_ = true;
    return send_command({"RSET"}, {ClientStage::kRset});
  }
  if (finished_) send_quit();
}

// Decides every recipient not yet decided, of the current and all later messages, and
// of messages queued from now on.
void ClientSession::fail_all(const Reply& reply, RecipientStatus status) {
  for (std::size_t i = current_; i < message_count_; ++i) {
    transaction(i).decide_undecided(status, reply);
    transaction(i).result.complete = true;
  }
  current_ = message_count_;
  failure_ = reply;
  failure_status_ = status;
  busy_ = false;
  data_.reset();
}

void ClientSession::fail_all(const Reply& reply) { fail_all(reply, failure_status(reply)); }

RecipientStatus ClientSession::failure_status(const Reply& reply) {
  return reply.is_permanent() ? RecipientStatus::kRejected : RecipientStatus::kDeferred;
}

// The session is over without QUIT: a 421, a broken connection or a protocol error.
void ClientSession::end(const Reply& reply) {
  fail_all(reply);
  ended_ = true;
}

void ClientSession::send_command(std::initializer_list<std::string_view> parts, Sent sent) {
  const std::size_t start = begin_command();
  for (const std::string_view part : parts) output_.tail_bytes().append(part);
  end_command(start, sent);
}

// A command line is written straight into the output: begin_command() says where it starts
// in output_.tail_bytes(), the caller appends its text there, end_command() ends the line.
std::size_t ClientSession::begin_command() { return output_.tail_bytes().size(); }

void ClientSession::end_command(std::size_t start, Sent sent) {
  std::string& out = output_.tail_bytes();
  note('C', std::string_view(out).substr(start));
  out += "\r\n";
  sent_.push_back(sent);
}

void ClientSession::note(char direction, std::string_view line) {
  if (config_.transcript) transcript_.push_back({direction, std::string(line)});
}

void ClientSession::send_quit() {
  send_command({"QUIT"}, {ClientStage::kQuit});
  quit_sent_ = true;
}

}  // namespace mailsim::smtp
