// Bounces and delay warnings as the reporting MTA writes them (Postfix's bounce daemon
// does both): which of a queue entry's recipients a DSN reports, what it says about each,
// and the DSN itself, a new message from the null sender to the original sender. Pure
// functions; the queue manager (mta.cc) queues the result and routes it like other mail.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "mailsim/core/time.h"
#include "mailsim/smtp/dsn.h"
#include "mta/queue_entry.h"

namespace mailsim::mta {

// True when the sender of `entry` is to hear about `r` in a DSN of that kind: never for
// the null sender (a bounce is never bounced), otherwise as r's NOTIFY asks (RFC 3461;
// without NOTIFY, failures and delays).
bool wants_dsn(const QueueEntry& entry, const QueuedRecipient& r, smtp::NotifyFlag kind);

// r's block in a DSN: its address, ORCPT, last reply and the host that sent it, and the
// time of its last attempt. A recipient that expired without any reply is reported as
// 4.4.7 "delivery time expired". `epoch_unix_seconds`: wall-clock time of simulated time 0.
smtp::DsnRecipient dsn_recipient(const QueuedRecipient& r, smtp::DsnAction action,
                                 std::int64_t epoch_unix_seconds);

// The recipients a delay warning about `entry` lists: those still queued that asked for
// DELAY notices, with Will-Retry-Until `until` (Time::max(): no such field).
std::vector<smtp::DsnRecipient> delayed_recipients(const QueueEntry& entry, Time until,
                                                   std::int64_t epoch_unix_seconds);

// Who reports, and when.
struct Reporter {
  std::string hostname;  // Reporting-MTA, and the MAILER-DAEMON's domain
  std::string queue_id;  // the DSN's own queue id at this MTA: names its Message-ID
  Time now;
  std::int64_t epoch_unix_seconds = 0;
};

struct Notification {
  smtp::Envelope envelope;  // from the null sender to the original sender
  smtp::SharedMessage message;
  std::string message_id;  // without <>
};

// The bounce or delay warning about `entry` for `recipients` (RET and ENVID from the
// entry's envelope). REQUIRES: the entry's sender is not null; recipients not empty.
Notification make_notification(smtp::DsnKind kind, const QueueEntry& entry,
                               std::vector<smtp::DsnRecipient> recipients,
                               const Reporter& reporter);

}  // namespace mailsim::mta
