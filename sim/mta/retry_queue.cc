#include "mta/retry_queue.h"

#include <algorithm>
#include <map>
#include <utility>

namespace mailsim::mta {

// No reply, a broken connection (4.4.x) or 421 is the host's failure; a mailbox, address
// or policy status (4.1.x, 4.2.x, 4.7.x: RCPT's replies, greylisting) the address's; the
// rest (MAIL, DATA, the final dot) the message's. An approximation until deliveries report
// the stage that failed.
FailureScope failure_scope(const AttemptRecipient& result) {
  const auto status = [&](const char* prefix) { return result.enhanced.starts_with(prefix); };
  if (result.code == 0 || result.code == 421 || status("4.4.")) return FailureScope::kHost;
  if (status("4.1.") || status("4.2.") || status("4.7.")) return FailureScope::kRecipient;
  return FailureScope::kMessage;
}

namespace {

// The next hop a recipient's retry record is keyed by: a recipient deferred by a failed MX
// lookup was routed nowhere, and Exim keeps its routing delays per domain.
std::string_view retry_nexthop(const QueuedRecipient& r) {
  if (!r.nexthop.empty()) return r.nexthop;
  return std::string_view(r.address).substr(r.address.rfind('@') + 1);
}

}  // namespace

std::vector<QueuedRecipient*> record_failures(const RetryConfig& law, QueueEntry& entry, Time now,
                                              RandomStream& rng,
                                              std::map<std::string, RetryRecord>* hosts) {
  std::vector<QueuedRecipient*> give_up;
  std::map<std::string, RetryVerdict> verdicts;
  const bool shared = hosts != nullptr && std::holds_alternative<EximRetry>(law);
  for (QueuedRecipient& r : entry.rcpts) {
    if (!std::exchange(r.in_attempt, false) || r.done) continue;
    const std::string key =
        retry_record_key(law, r.failure, retry_nexthop(r), entry.queue_id, r.address);
    const bool host = shared && r.failure == FailureScope::kHost;
    RetryRecord& record = host ? (*hosts)[key] : entry.retry_records[key];
    if (host && r.not_tried) {  // Exim: "retry time not reached"; nothing failed
      r.due = std::max(record.next_try, now);
      continue;
    }
    auto [it, fresh] = verdicts.try_emplace(key);
    if (fresh) {
      it->second =
          after_failure(law, record, {entry.arrival, entry.attempt_started, now, r.failure}, rng);
    }
    if (it->second.give_up) {
      give_up.push_back(&r);
    } else {
      r.due = it->second.due;
    }
  }
  return give_up;
}

Time next_activation(const RetryConfig& law, const QueueEntry& entry, Time origin, Time now,
                     bool at_start) {
  Time due = Time::max();
  for (const QueuedRecipient& r : entry.rcpts) {
    if (!r.done) due = std::min(due, r.due);
  }
  return next_look(law, origin, entry.arrival, now, due, at_start);
}

Time will_retry_until(const RetryConfig& law, const QueueEntry& entry) {
  Time first_failure = Time::max();
  for (const auto& [key, record] : entry.retry_records) {
    if (record.failures > 0) first_failure = std::min(first_failure, record.first_failed);
  }
  return retry_until(law, entry.arrival,
                     first_failure == Time::max() ? entry.arrival : first_failure);
}

std::optional<DelayWarning> take_due_warning(const RetryConfig& law, QueueEntry& entry,
                                             const std::string& node, Time now) {
  if (entry.envelope.mail_from.empty() ||
      now < delay_warning_due(law, entry.arrival, entry.warnings_sent)) {
    return std::nullopt;
  }
  DelayWarning w{entry.msg, node, {}, ++entry.warnings_sent, entry.arrival, now};
  for (const QueuedRecipient& r : entry.rcpts) {
    if (!r.done) w.recipients.push_back(r.address);
  }
  return w;
}

}  // namespace mailsim::mta
