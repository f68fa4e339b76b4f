// The queue manager's retry bookkeeping for one queue entry, between the retry laws
// (mailsim/mta/retry.h) and the event plumbing of mta.cc: which recipients an attempt
// deferred and what the law says about them, when the entry is next looked at, and when
// its sender is due a delay warning. Pure functions of the entry and the time.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "mailsim/core/random.h"
#include "mta/queue_entry.h"

namespace mailsim::mta {

// Exim keeps a failure under the host, the message or the address depending on what
// failed. Deliveries report replies, not stages, so this reads the reply.
FailureScope failure_scope(const AttemptRecipient& result);

// Applies the law to the recipients of the attempt that just ended at `now` (those
// in_attempt and not done, whose in_attempt it clears): one update per retry key, shared
// by the recipients deferred under it. Sets their due times and returns those the law
// gives up on, for the caller to expire. With Exim's law, host failures go to the
// records in `hosts` (shared by all messages of the MTA; null: the entry's own), and a
// recipient not tried because of such a record waits for its retry time untouched.
std::vector<QueuedRecipient*> record_failures(const RetryConfig& law, QueueEntry& entry, Time now,
                                              RandomStream& rng,
                                              std::map<std::string, RetryRecord>* hosts = nullptr);

// When the queue manager next looks at a deferred entry: next_look() for its earliest due
// recipient.
Time next_activation(const RetryConfig& law, const QueueEntry& entry, Time origin, Time now,
                     bool at_start);

// When the law will give up on the entry's recipients (retry_until), counting Exim's
// cutoff from the entry's earliest recorded failure.
Time will_retry_until(const RetryConfig& law, const QueueEntry& entry);

// The delay warning due after an attempt that ended at `now`, counted as sent; none for
// a bounce (nobody to warn) or when the law has none due yet.
std::optional<DelayWarning> take_due_warning(const RetryConfig& law, QueueEntry& entry,
                                             const std::string& node, Time now);

}  // namespace mailsim::mta
