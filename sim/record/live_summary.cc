#include "record/live_summary.h"

#include <algorithm>
#include <cassert>
#include <utility>

namespace mailsim::record {

void LiveSummary::add_rows(const Batch& batch) {
  for (const NodeRow& n : batch.nodes) nodes_.intern(n.name)->retry_policy = n.retry_policy;
  for (const MessageRow& r : batch.messages) {
    recipients_.add_message(r.kind);
    if (r.kind != "user") continue;
    Message& m = messages_[r.msg];
    m.user = true;
    if (!r.client_kind.empty()) {
      auto it = recipients_.by_client_kind.find(r.client_kind);
      if (it == recipients_.by_client_kind.end()) {
        it = recipients_.by_client_kind.emplace(std::string(r.client_kind), FiguresBuilder{}).first;
      }
      m.by_kind = &it->second;
    }
  }
  for (const HopRow& r : batch.hops) {
    messages_[r.msg].arrivals.push_back({nodes_.intern(r.node),
                                         r.from_node.empty() ? nullptr : nodes_.intern(r.from_node),
                                         r.at.seconds()});
  }
  add_attempts(batch);
  for (const DeliveryRow& r : batch.deliveries) {
    messages_[r.msg].delivered.push_back({nodes_.intern(r.node), r.delivered_s});
  }
  for (const DeferralRow& r : batch.deferrals) {
    const auto it = messages_.find(r.msg);
    if (it != messages_.end() && it->second.user) ++recipients_.user_deferrals;
  }
  for (const QueueSampleRow& r : batch.queue_samples) {
    const std::int64_t queued = r.incoming + r.active + r.deferred;
    const auto [it, added] = peaks_.try_emplace(r.node, queued);
    if (!added) it->second = std::max(it->second, queued);
  }
}

// The attempts' recipients follow the attempts' order (Batch): one pass over both, with
// one lookup of the message and its sender per attempt.
void LiveSummary::add_attempts(const Batch& batch) {
  auto next = batch.attempts.begin();
  const AttemptRow* attempt = nullptr;  // the current recipient's
  Message* m = nullptr;                 // its message, when it is user mail
  const TalliedNode* from = nullptr;
  for (const AttemptRecipientRow& r : batch.attempt_recipients) {
    if (attempt == nullptr || attempt->attempt_id != r.attempt_id) {
      next = std::find_if(next, batch.attempts.end(),
                          [&r](const AttemptRow& a) { return a.attempt_id == r.attempt_id; });
      assert(next != batch.attempts.end() && "attempt_recipients follow the attempts' order");
      if (next == batch.attempts.end()) return;
      attempt = &*next;
      const auto it = messages_.find(attempt->msg);
      m = it != messages_.end() && it->second.user ? &it.value() : nullptr;
      if (m != nullptr) from = nodes_.intern(attempt->from_node);
    }
    if (m == nullptr) continue;
    m->carriers.push_back(Carrier{
        .rcpt = std::string(r.rcpt), .node = from, .attempts = 1, .last_attempt_id = r.attempt_id});
  }
}

void LiveSummary::finish_message(mta::MessageNumber msg, std::span<const RecipientRow> recipients) {
  const auto it = messages_.find(msg);
  if (it == messages_.end()) return;  // no row of it that the summary reads
  tally(it.value(), recipients);
  messages_.erase(it);
}

void LiveSummary::finish_all() {
  for (auto it = messages_.begin(); it != messages_.end(); ++it) tally(it.value(), {});
  messages_.clear();
}

void LiveSummary::tally(Message& m, std::span<const RecipientRow> recipients) {
  add_stays(m.arrivals, m.delivered);
  if (!m.user) return;
  merge_carriers(m.carriers);
  for (const RecipientRow& r : recipients) {
    recipients_.add_recipient(m.by_kind, m.carriers, r.rcpt, r.status, r.latency_s, r.attempts);
  }
}

SummaryTallies LiveSummary::take() {
  SummaryTallies t{.recipients = std::move(recipients_), .nodes = {.stays = nodes_.stays()}};
  for (auto& [node, peak] : peaks_) t.nodes.peak_queues.emplace_back(node, peak);
  return t;
}

}  // namespace mailsim::record
