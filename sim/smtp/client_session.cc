#include "mailsim/smtp/client_session.h"

#include <cassert>
#include <utility>

#include "mailsim/smtp/transparency.h"

namespace mailsim::smtp {
namespace {

std::string_view awaited(ClientStage stage) {
  switch (stage) {
    case ClientStage::kGreeting:
      return "the greeting";
    case ClientStage::kEhlo:
      return "the reply to EHLO";
    case ClientStage::kHelo:
      return "the reply to HELO";
    case ClientStage::kMail:
      return "the reply to MAIL FROM";
    case ClientStage::kRcpt:
      return "the reply to RCPT TO";
    case ClientStage::kData:
      return "the reply to DATA";
    case ClientStage::kDataBody:
      return "the reply to end of data";
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

RecipientStatus failure_status(const Reply& reply) {
  return reply.is_permanent() ? RecipientStatus::kRejected : RecipientStatus::kDeferred;
}

}  // namespace

ClientSession::ClientSession(ClientConfig config, Envelope envelope, std::string data)
    : config_(std::move(config)),
      envelope_(std::move(envelope)),
      data_(std::move(data)),
      pending_{{ClientStage::kGreeting}},
      decided_(envelope_.rcpt_to.size(), false) {
  for (const std::string& recipient : envelope_.rcpt_to) {
    result_.recipients.push_back({recipient, RecipientStatus::kDeferred, {}});
  }
}

void ClientSession::receive(std::string_view bytes) {
  parser_.feed(bytes);
  while (std::optional<Reply> reply = parser_.next()) {
    for (const std::string& line : parser_.raw_lines()) transcript_.push_back({'S', line});
    on_reply(*reply);
  }
  if (parser_.malformed() && !ended_) {
    for (const std::string& line : parser_.raw_lines()) transcript_.push_back({'S', line});
    end(make_reply(451, "4.5.0", "Protocol error: malformed reply from server"));
  }
}

std::string ClientSession::take_output() { return std::exchange(output_, {}); }

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
  return pending_.front().stage;
}

void ClientSession::on_reply(const Reply& reply) {
  if (ended_) return;
  assert(!pending_.empty());  // the reply to QUIT, the last one awaited, sets ended_
  const Sent sent = pending_.front();
  pending_.pop_front();
  if (quit_sent_) {  // the outcome is decided; what is left only goes to the transcript
    ended_ = sent.stage == ClientStage::kQuit;
    return;
  }
  if (reply.code == 421) return end(reply);
  if (!reply.is_transient() && !reply.is_permanent() && !is_expected(sent.stage, reply)) {
    return end(make_reply(451, "4.5.0",
                          "Protocol error: unexpected reply to " +
                              std::string(awaited(sent.stage)) + ": " + std::to_string(reply.code) +
                              " " + reply.text()));
  }
  switch (sent.stage) {
    case ClientStage::kGreeting:
      return on_greeting(reply);
    case ClientStage::kEhlo:
      return on_ehlo(reply);
    case ClientStage::kHelo:
      return on_helo(reply);
    case ClientStage::kMail:
      return on_mail(reply);
    case ClientStage::kRcpt:
      return on_rcpt(sent.recipient, reply);
    case ClientStage::kData:
      return on_data(reply);
    case ClientStage::kDataBody:
      return on_data_body(reply);
    case ClientStage::kQuit:
    case ClientStage::kDone:
      break;
  }
}

void ClientSession::on_greeting(const Reply& reply) {
  if (!reply.is_positive()) {
    decide_undecided(reply);
    return send_quit();
  }
  send_command("EHLO " + config_.helo_name, ClientStage::kEhlo);
}

void ClientSession::on_ehlo(const Reply& reply) {
  if (reply.is_permanent()) return send_command("HELO " + config_.helo_name, ClientStage::kHelo);
  if (!reply.is_positive()) {
    decide_undecided(reply);
    return send_quit();
  }
  extensions_ = parse_extensions(reply);
  send_transaction();
}

void ClientSession::on_helo(const Reply& reply) {
  if (!reply.is_positive()) {
    decide_undecided(reply);
    return send_quit();
  }
  send_transaction();
}

void ClientSession::on_mail(const Reply& reply) {
  if (!reply.is_positive()) {
    decide_undecided(reply);
    return send_quit();  // pipelined RCPT and DATA replies still come; they are only logged
  }
  if (!extensions_.pipelining) send_next_rcpt_or_data();
}

void ClientSession::on_rcpt(std::size_t index, const Reply& reply) {
  if (reply.is_positive()) {
    ++accepted_;
  } else {
    decide(index, failure_status(reply), reply);
  }
  if (!extensions_.pipelining) send_next_rcpt_or_data();
}

void ClientSession::on_data(const Reply& reply) {
  if (reply.code != 354) {
    decide_undecided(reply);
    return send_quit();
  }
  if (accepted_ > 0) return send_message();
  // Pipelined DATA accepted although no recipient was: end the empty transaction.
  send_command(".", ClientStage::kDataBody);
  send_quit();
}

void ClientSession::on_data_body(const Reply& reply) {
  if (reply.is_positive()) {
    result_.message_sent = true;
    for (std::size_t i = 0; i < decided_.size(); ++i) {
      if (!decided_[i]) decide(i, RecipientStatus::kAccepted, reply);
    }
  } else {
    decide_undecided(reply);
  }
  send_quit();
}

void ClientSession::send_command(std::string line, ClientStage stage, std::size_t recipient) {
  transcript_.push_back({'C', line});
  output_ += line;
  output_ += "\r\n";
  pending_.push_back({stage, recipient});
}

// MAIL, then with PIPELINING every RCPT and DATA in the same group (RFC 2920 3.1: DATA may
// only end a group); without it one command per round trip.
void ClientSession::send_transaction() {
  std::string mail = "MAIL FROM:<" + envelope_.mail_from + ">";
  if (extensions_.size) mail += " SIZE=" + std::to_string(data_.size());
  send_command(std::move(mail), ClientStage::kMail);
  if (!extensions_.pipelining) return;
  while (next_rcpt_ < envelope_.rcpt_to.size()) {
    send_command("RCPT TO:<" + envelope_.rcpt_to[next_rcpt_] + ">", ClientStage::kRcpt, next_rcpt_);
    ++next_rcpt_;
  }
  send_command("DATA", ClientStage::kData);
}

void ClientSession::send_next_rcpt_or_data() {
  if (next_rcpt_ < envelope_.rcpt_to.size()) {
    send_command("RCPT TO:<" + envelope_.rcpt_to[next_rcpt_] + ">", ClientStage::kRcpt, next_rcpt_);
    ++next_rcpt_;
  } else if (accepted_ > 0) {
    send_command("DATA", ClientStage::kData);
  } else {
    send_quit();
  }
}

void ClientSession::send_message() {
  output_ += dot_stuff(data_);
  transcript_.push_back({'C', "(message data, " + std::to_string(data_.size()) + " bytes)"});
  send_command(".", ClientStage::kDataBody);
}

void ClientSession::send_quit() {
  send_command("QUIT", ClientStage::kQuit);
  quit_sent_ = true;
}

void ClientSession::decide(std::size_t index, RecipientStatus status, const Reply& reply) {
  decided_[index] = true;
  result_.recipients[index].status = status;
  result_.recipients[index].reply = reply;
  result_.last_reply = reply;
}

// Keeps last_reply when every recipient was already decided (a pipelined DATA refused
// after all RCPTs were), unless nothing has decided anything yet.
void ClientSession::decide_undecided(const Reply& reply) {
  for (std::size_t i = 0; i < decided_.size(); ++i) {
    if (!decided_[i]) decide(i, failure_status(reply), reply);
  }
  if (result_.last_reply.code == 0) result_.last_reply = reply;
}

// The session is over without QUIT: a 421, a broken connection or a protocol error.
void ClientSession::end(const Reply& reply) {
  decide_undecided(reply);
  ended_ = true;
}

}  // namespace mailsim::smtp
