// The transaction half of ClientSession: MAIL, RCPT, DATA and the message data for one
// queued message, and each recipient's outcome.
#include <cassert>

#include "mailsim/smtp/client_session.h"
#include "smtp/client_commands.h"

namespace mailsim::smtp {

void ClientSession::Transaction::decide(std::size_t index, RecipientStatus status,
                                        const Reply& reply) {
  result.recipients[index].status = status;
  result.recipients[index].own_reply = reply;
  result.last_reply = reply;
}

// Keeps last_reply when every recipient was already decided (a pipelined DATA refused
// after all RCPTs were), unless nothing has decided anything yet. The recipients it decides
// read `reply` as last_reply (ClientResult::reply_of()), since the transaction is complete
// right after and last_reply changes no more.
void ClientSession::Transaction::decide_undecided(RecipientStatus status, const Reply& reply) {
  assert(!result.complete);
  bool decided = false;
  for (RecipientResult& recipient : result.recipients) {
    if (recipient.own_reply.code != 0) continue;
    recipient.status = status;
    decided = true;
  }
  if (decided || result.last_reply.code == 0) result.last_reply = reply;
}

void ClientSession::dispatch_transaction_reply(const Sent& sent, const Reply& reply) {
  Transaction& t = transaction(sent.message);
  // Pipelined replies that follow a refused MAIL only go to the transcript.
  if (t.result.complete) return;
  switch (sent.stage) {
    case ClientStage::kMail:
      return on_mail(t, reply);
    case ClientStage::kRcpt:
      return on_rcpt(t, sent.recipient, reply);
    case ClientStage::kData:
      return on_data(t, reply);
    case ClientStage::kDataBody:
      return on_data_body(t, reply);
    default:
      assert(false && "not a transaction stage");
  }
}

// MAIL, then with PIPELINING every RCPT and DATA in the same group (RFC 2920 3.1: DATA may
// only end a group); without it one command per round trip.
void ClientSession::start_transaction() {
  Transaction& t = transaction(current_);
  busy_ = true;
  const std::size_t start = begin_command();
  append_mail_command(output_.tail_bytes(), t.envelope, t.message->size(), extensions_);
  end_command(start, {ClientStage::kMail, current_});
  if (!extensions_.pipelining) return;
  for (; t.next_rcpt < t.envelope.rcpt_to.size(); ++t.next_rcpt) send_rcpt(t);
  send_command({"DATA"}, {ClientStage::kData, current_});
}

void ClientSession::send_rcpt(const Transaction& t) {
  const std::size_t start = begin_command();
  append_rcpt_command(output_.tail_bytes(), t.envelope, t.next_rcpt, extensions_);
  end_command(start, {ClientStage::kRcpt, current_, t.next_rcpt});
}

void ClientSession::send_next_rcpt_or_data() {
  Transaction& t = transaction(current_);
  if (t.next_rcpt < t.envelope.rcpt_to.size()) {
    send_rcpt(t);
    ++t.next_rcpt;
  } else if (t.accepted > 0) {
    send_command({"DATA"}, {ClientStage::kData, current_});
  } else {
    complete_transaction(t, /*rset_needed=*/true);
  }
}

// A refused MAIL opens no transaction, so the next one needs no RSET; with PIPELINING the
// next MAIL may follow at once, since a server without a transaction cannot answer the
// pending DATA with 354.
void ClientSession::on_mail(Transaction& t, const Reply& reply) {
  if (!reply.is_positive()) {
    t.decide_undecided(failure_status(reply), reply);
    return complete_transaction(t, /*rset_needed=*/false);
  }
  if (!extensions_.pipelining) send_next_rcpt_or_data();
}

void ClientSession::on_rcpt(Transaction& t, std::size_t index, const Reply& reply) {
  if (reply.is_positive()) {
    ++t.accepted;
  } else {
    t.decide(index, failure_status(reply), reply);
  }
  if (!extensions_.pipelining) send_next_rcpt_or_data();
}

// DATA refused leaves the transaction MAIL opened (the DATA of a refused MAIL never gets
// here): the next one starts with RSET.
void ClientSession::on_data(Transaction& t, const Reply& reply) {
  if (reply.code != 354) {
    t.decide_undecided(failure_status(reply), reply);
    return complete_transaction(t, /*rset_needed=*/true);
  }
  if (t.accepted == 0) {  // pipelined DATA accepted although no recipient was
    send_command({"."}, {ClientStage::kDataBody, current_});
    return complete_transaction(t, /*rset_needed=*/false);
  }
  data_.emplace(t.message);
  if (config_.transcript) {
    note('C', "(message data, " + std::to_string(t.message->size()) + " bytes)");
  }
}

void ClientSession::on_data_body(Transaction& t, const Reply& reply) {
  if (reply.is_positive()) {
    t.result.message_sent = true;
    t.decide_undecided(RecipientStatus::kAccepted, reply);
  } else {
    t.decide_undecided(failure_status(reply), reply);
  }
  complete_transaction(t, /*rset_needed=*/false);
}

void ClientSession::send_data_piece() {
  data_->read(output_, kDataChunk);
  if (!data_->finished()) return;
  data_.reset();
  send_command({"."}, {ClientStage::kDataBody, current_});
}

void ClientSession::finish_data() {
  while (data_) send_data_piece();
}

void ClientSession::complete_transaction(Transaction& t, bool rset_needed) {
  assert(&t == &transaction(current_));
  t.result.complete = true;
  busy_ = false;
  rset_needed_ = rset_needed;
  ++current_;
  advance();
}

}  // namespace mailsim::smtp
