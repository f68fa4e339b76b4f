#include "record/recipient_tally.h"

#include <algorithm>
#include <stdexcept>
#include <string>

namespace mailsim::record {
namespace {

constexpr std::size_t kScanLimit = 8;

// recipient_rowid()'s limit, checked as a recipient is added on the simulation thread: the
// rows are made on the writer's, too late to stop the run where the scenario breaks it.
void check_room(std::size_t recipients) {
  if (recipients >= static_cast<std::size_t>(kRecipientsPerMessage)) {
    throw std::length_error("the recipient table holds at most 2^24 recipients of a message");
  }
}

}  // namespace

std::int64_t recipient_rowid(mta::MessageNumber msg, std::size_t index) {
  constexpr auto kMessages = static_cast<mta::MessageNumber>(INT64_MAX / kRecipientsPerMessage);
  if (index >= static_cast<std::size_t>(kRecipientsPerMessage) || msg >= kMessages) {
    throw std::length_error("the recipient table holds at most 2^24 recipients of a message");
  }
  return static_cast<std::int64_t>(msg) * kRecipientsPerMessage + static_cast<std::int64_t>(index);
}

void assign_reply_with_enhanced(std::string& reply, const std::string& enhanced,
                                const std::string& text) {
  const bool has_it = text.starts_with(enhanced) &&
                      (text.size() == enhanced.size() || text[enhanced.size()] == ' ');
  if (enhanced.empty() || has_it) {
    reply.assign(text);
  } else if (text.empty()) {
    reply.assign(enhanced);
  } else {
    reply.assign(enhanced).append(1, ' ').append(text);
  }
}

std::string reply_with_enhanced(const std::string& enhanced, const std::string& text) {
  std::string reply;
  assign_reply_with_enhanced(reply, enhanced, text);
  return reply;
}

RecipientTally::Message& RecipientTally::message_for(mta::MessageNumber msg,
                                                     const std::string& rcpt) {
  // A message taken already is finished: no event may name it again (MessageFinished).
  // One that did would write its rows twice, so the run stops here, naming it.
  if (msg < taken_.size() && taken_[msg]) {
    throw std::logic_error("internal error: an event about message " + std::to_string(msg) +
                           " (recipient " + rcpt + ") after the message had finished");
  }
  return messages_[msg];
}

RecipientTally::Recipient& RecipientTally::find_or_add(Message& m, const std::string& rcpt) {
  if (!m.index) {  // few recipients: a scan is cheaper than a hash map per message
    for (Recipient& r : m.recipients) {
      if (r.rcpt == rcpt) return r;
    }
    m.recipients.emplace_back(rcpt);
    if (m.recipients.size() > kScanLimit) {
      m.index = std::make_unique<TextMap<std::size_t>>();
      m.index->reserve(m.recipients.capacity());  // on_created() reserves the list named
      for (std::size_t i = 0; i < m.recipients.size(); ++i)
        m.index->emplace(m.recipients[i].rcpt, i);
    }
    return m.recipients.back();
  }
  const auto [it, added] = m.index->try_emplace(rcpt, m.recipients.size());
  if (added) {
    check_room(m.recipients.size());
    m.recipients.emplace_back(rcpt);
  }
  return m.recipients[it->second];
}

void RecipientTally::on_created(const mta::MessageCreated& e) {
  if (e.recipients.empty()) {
    messages_[e.msg].created = e.at;
    return;
  }
  Message& m = message_for(e.msg, e.recipients.front());
  m.created = e.at;
  m.recipients.reserve(m.recipients.size() + e.recipients.size());
  for (const std::string& rcpt : e.recipients) find_or_add(m, rcpt);
}

void RecipientTally::on_attempt(const mta::AttemptFinished& e) {
  if (e.recipients.empty()) return;
  Message& m = message_for(e.msg, e.recipients.front().rcpt);
  for (const mta::AttemptRecipient& ar : e.recipients) {
    Recipient& r = find_or_add(m, ar.rcpt);
    ++r.attempts;
    r.last_code = ar.code;
    assign_reply_with_enhanced(r.last_reply, ar.enhanced, ar.text);
  }
}

void RecipientTally::on_final(const mta::RecipientFinal& e) {
  Recipient& r = find_or_add(message_for(e.msg, e.rcpt), e.rcpt);
  r.status = e.status;
  r.final_node.assign(e.node);
  r.final_at = e.at;
  if (e.code != 0) {
    r.last_code = e.code;
    r.last_reply.assign(e.reply);
  }
}

void RecipientTally::take_message(mta::MessageNumber msg, std::vector<TalliedMessage>& taken) {
  const auto it = messages_.find(msg);
  if (it == messages_.end()) return;
  Message& m = it.value();
  taken.push_back({msg, m.created, std::move(m.recipients)});
  messages_.erase(it);
  if (taken_.size() <= msg) taken_.resize(std::max<std::size_t>(msg + 1, 2 * taken_.size()));
  taken_[msg] = true;
}

void RecipientTally::take_rows(const std::function<void(TalliedMessage&&)>& sink) {
  std::vector<mta::MessageNumber> left;
  left.reserve(messages_.size());
  for (const auto& [msg, m] : messages_) left.push_back(msg);
  std::sort(left.begin(), left.end());
  for (const mta::MessageNumber msg : left) {
    const auto it = messages_.find(msg);
    Message& m = it.value();
    sink({msg, m.created, std::move(m.recipients)});
    messages_.erase(it);
  }
}

RecipientRow recipient_row(const TalliedMessage& m, std::size_t index) {
  const RecipientTotals& r = m.recipients[index];
  RecipientRow row{.rowid = recipient_rowid(m.msg, index),
                   .msg = m.msg,
                   .rcpt = r.rcpt,
                   .status = "queued",
                   .attempts = r.attempts,
                   .last_code = r.last_code,
                   .last_reply = r.last_reply};
  if (r.status) {
    row.status = mta::to_string(*r.status);
    row.final_node = r.final_node;
    row.final_s = r.final_at.seconds();
    if (*r.status == mta::FinalStatus::kDelivered) {
      row.delivered_s = row.final_s;
      if (m.created) row.latency_s = (r.final_at - *m.created).seconds();
    }
  }
  return row;
}

}  // namespace mailsim::record
