// How an MTA's queue manager moves mail, as plain data: how many messages it works on at
// once, how many recipients share one SMTP transaction, how many sessions it opens to one
// next hop, and how many messages it holds before its server refuses more. Unset values
// take the defaults of the MTA's preset (named by its retry law), as queue_limits() says;
// the figures cite ../shared/reference/mta-behaviour.md.
#pragma once

#include <cstddef>
#include <optional>

#include "mailsim/core/time.h"
#include "mailsim/mta/retry.h"

namespace mailsim::mta {

struct QueueConfig {
  std::optional<std::size_t> active_limit;             // messages in the active queue
  std::optional<int> recipient_limit;                  // recipients per SMTP transaction
  std::optional<int> destination_concurrency_limit;    // SMTP sessions to one next hop at once
  std::optional<int> initial_destination_concurrency;  // Postfix's slow start begins here
  std::optional<bool> connection_reuse;  // a session carries the next delivery to its next hop
  std::size_t capacity = 0;  // messages held; when full, MAIL gets 452 4.3.1. 0: no limit
};

// Which real MTA's sender-side mechanisms an MTA follows: its retry law's preset. The
// custom laws (and rfc5321, which is one) follow none of them (kGeneric).
enum class SenderStyle { kPostfix, kExim, kSendmail, kQmail, kOpenSmtpd, kGeneric };
SenderStyle sender_style(const RetryConfig& law);

struct QueueLimits {
  SenderStyle style = SenderStyle::kPostfix;
  std::size_t active_limit = 20000;
  int recipient_limit = 50;
  int destination_concurrency_limit = 20;
  // Postfix only: the window's start and how long a dead destination is skipped
  // (minimal_backoff_time, from the retry law). Others start at the limit, never die.
  int initial_destination_concurrency = 20;
  Duration dead_backoff = Duration::seconds(300);
  // Connection reuse while deliveries wait for the same next hop, with an RSET before each
  // further one: Postfix's on-demand connection cache for up to
  // smtp_connection_reuse_time_limit 300 s after the connect; Exim's up to
  // connection_max_messages 500 messages per connection (reference §2). Zero: no bound.
  // Postfix turns its cache on per destination on demand (back-to-back deliveries), and a
  // session with nothing waiting stays cached idle for smtp_connection_cache_time_limit 2 s
  // (reference §2), then is closed. Zero: no idle cache (the other styles).
  bool connection_reuse = true;
  Duration reuse_time_limit = Duration::seconds(300);
  int reuse_message_limit = 0;
  Duration connection_cache_time = Duration::seconds(2);
  // Exim's remote_max_parallel: deliveries of one message running at once, to its next hops
  // (globals.c: 4 since Exim 4.96, 2 before; the reference's §2 says 6). 0: no bound.
  int remote_max_parallel = 0;
  std::size_t capacity = 0;
};

// The configured values, the rest from the style's defaults:
// - active_limit: Postfix's qmgr_message_active_limit 20000 for every style (the others
//   have no such bound in the reference; their queues are bounded by `capacity` only).
// - recipient_limit: Postfix default_destination_recipient_limit 50; qmail one recipient
//   per transaction (qmail-remote); Exim's smtp transport max_rcpt 100; the others 100,
//   the number RFC 5321 §4.5.3.1.8 says every server must accept.
// - destination_concurrency_limit: Postfix default_destination_concurrency_limit 20 and
//   qmail concurrencyremote 20 (reference §2; qmail's bounds all remote deliveries, here
//   each next hop); OpenSMTPD 5 per route (§2); the others 20.
// - initial_destination_concurrency: Postfix 5 (§2); the others the limit (no slow start).
// - connection_reuse: Postfix and Exim (§2); the others open a session per delivery (qmail
//   has no reuse; sendmail's and OpenSMTPD's caches are not modelled).
QueueLimits queue_limits(const QueueConfig& config, const RetryConfig& law);

}  // namespace mailsim::mta
