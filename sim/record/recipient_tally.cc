#include "record/recipient_tally.h"

#include <algorithm>
#include <stdexcept>
#include <string>

namespace mailsim::record {
namespace {

constexpr std::size_t kScanLimit = 8;

}  // namespace

void check_room(std::size_t recipients) {
  if (recipients >= static_cast<std::size_t>(kRecipientsPerMessage)) {
    throw std::length_error("the recipient table holds at most 2^24 recipients of a message");
  }
}

std::int64_t recipient_rowid(mta::MessageNumber msg, std::size_t index) {
  constexpr auto kMessages = static_cast<mta::MessageNumber>(INT64_MAX / kRecipientsPerMessage);
  if (index >= static_cast<std::size_t>(kRecipientsPerMessage) || msg >= kMessages) {
    throw std::length_error("the recipient table holds at most 2^24 recipients of a message");
  }
  return static_cast<std::int64_t>(msg) * kRecipientsPerMessage + static_cast<std::int64_t>(index);
}

void assign_reply_with_enhanced(std::string& reply, std::string_view enhanced,
                                std::string_view text) {
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

std::string reply_with_enhanced(std::string_view enhanced, std::string_view text) {
  std::string reply;
  assign_reply_with_enhanced(reply, enhanced, text);
  return reply;
}

RecipientTally::Message& RecipientTally::message_for(mta::MessageNumber msg,
                                                     std::string_view rcpt) {
  // A message taken already is finished: no event may name it again (MessageFinished).
  // One that did would write its rows twice, so the run stops here, naming it.
  if (msg < taken_.size() && taken_[msg]) {
    throw std::logic_error("internal error: an event about message " + std::to_string(msg) +
                           " (recipient " + std::string(rcpt) + ") after the message had finished");
  }
  return messages_[msg];
}

RecipientTally::Recipient& RecipientTally::find_or_add(Message& m, std::string_view rcpt) {
  if (!m.index) {  // few recipients: a scan is cheaper than a hash map per message
    for (Recipient& r : m.recipients) {
      if (r.rcpt == rcpt) return r;
    }
    m.recipients.push_back({.rcpt = std::string(rcpt)});
    if (m.recipients.size() > kScanLimit) {
      m.index = std::make_unique<TextMap<std::size_t>>();
      m.index->reserve(m.recipients.capacity());
      for (std::size_t i = 0; i < m.recipients.size(); ++i)
        m.index->emplace(m.recipients[i].rcpt, i);
    }
    return m.recipients.back();
  }
  if (const auto it = m.index->find(rcpt); it != m.index->end()) return m.recipients[it->second];
  check_room(m.recipients.size());
  m.index->emplace(std::string(rcpt), m.recipients.size());
  return m.recipients.emplace_back(Recipient{.rcpt = std::string(rcpt)});
}

void RecipientTally::apply(const TallyStep& step, std::vector<TalliedMessage>& taken) {
  switch (step.kind) {
    case TallyStep::Kind::kCreated:
      messages_[step.msg].created = step.at;
      return;
    case TallyStep::Kind::kNamed: {
      Message& m = message_for(step.msg, step.rcpt);
      m.created = step.at;
      find_or_add(m, step.rcpt);
      return;
    }
    case TallyStep::Kind::kAttempted:
      return on_attempt(step);
    case TallyStep::Kind::kFinal:
      return on_final(step);
    case TallyStep::Kind::kFinished:
      return take_message(step.msg, taken);
  }
}

void RecipientTally::on_attempt(const TallyStep& step) {
  Recipient& r = find_or_add(message_for(step.msg, step.rcpt), step.rcpt);
  ++r.attempts;
  r.last_code = step.code;
  assign_reply_with_enhanced(r.last_reply, step.enhanced, step.reply);
}

void RecipientTally::on_final(const TallyStep& step) {
  Recipient& r = find_or_add(message_for(step.msg, step.rcpt), step.rcpt);
  r.status = step.status;
  r.final_node.assign(step.node);
  r.final_at = step.at;
  if (step.code != 0) {
    r.last_code = step.code;
    r.last_reply.assign(step.reply);
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
