// Retry laws: when a deferred recipient may be tried again, when its MTA gives up, when
// the sender is due a delay warning, and how the queue's scheduler turns "due" into an
// actual attempt. Each preset follows its row of ../shared/reference/mta-behaviour.md,
// section 1. Everything here is a pure function of plain data: the queue manager
// (sim/mta/mta.cc) owns the records and the clock. Times are simulated times.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "mailsim/core/random.h"
#include "mailsim/core/time.h"

namespace mailsim::mta {

// Reference §1, Postfix row (qmgr_active.c): the gap is the message's age, clamped.
struct PostfixRetry {
  Duration minimal_backoff_time = Duration::seconds(300);
  Duration maximal_backoff_time = Duration::seconds(4000);
  Duration queue_run_delay = Duration::seconds(300);  // the deferred queue's scan interval
  Duration maximal_queue_lifetime = Duration::days(5);
  Duration delay_warning_time;  // zero: no warning (Postfix's default); else exactly one
};

// One rule of Exim's retry language (reference §1, Exim row).
struct EximRule {
  enum class Kind { kFixed, kGeometric, kHeuristic };  // F, G, H
  Kind kind = Kind::kFixed;
  Duration cutoff;    // the rule applies while the failing interval is at most this
  Duration interval;  // F: the interval; G and H: the starting gap
  std::int64_t factor_permille = 1000;  // G and H: the multiplier, in thousandths as Exim keeps it
};

// Parses "F,2h,15m; G,16h,1h,1.5; F,4d,6h". Throws InputError (without a location) naming
// the rule that is wrong: unknown letter, missing or extra fields, a duration that is not
// positive, a factor not above 1, cutoffs that do not increase.
std::vector<EximRule> parse_exim_rules(std::string_view text);
// "1.5" -> 1500. Throws InputError unless it is a plain decimal above 1 with at most three
// decimals.
std::int64_t parse_retry_factor(std::string_view text);

struct EximRetry {
  std::vector<EximRule> rules = parse_exim_rules("F,2h,15m; G,16h,1h,1.5; F,4d,6h");
  Duration retry_interval_max = Duration::hours(24);
  Duration queue_run_interval = Duration::minutes(30);  // -q30m
  Duration delay_warning = Duration::hours(24);         // repeating; zero: none
};

// Reference §1, sendmail row (queue.c gatherq, envelope.c dropenvelope).
struct SendmailRetry {
  Duration queue_run_interval = Duration::minutes(30);  // -q30m
  Duration min_queue_age;  // MinQueueAge: skip jobs tried less than this ago; zero: none
  Duration max_queue_age;  // MaxQueueAge: doubling gaps capped at it; zero: none. Wins over
                           // MinQueueAge, as in queue.c.
  Duration queue_return = Duration::days(5);  // Timeout.queuereturn
  Duration queue_warn = Duration::hours(4);   // Timeout.queuewarn of m4-built configs; zero: none
};

// Reference §1, qmail row (qmail-send.c nextretry, pass_dochan).
struct QmailRetry {
  std::int64_t chanskip = 20;  // the remote channel's; the local channel uses 10
  Duration queuelifetime = Duration::days(7);
};

// Reference §1, OpenSMTPD row (scheduler_ramqueue.c).
struct OpenSmtpdRetry {
  Duration backoff_base = Duration::seconds(400);  // relay; local delivery uses 10 s
  Duration queue_ttl = Duration::days(4);
  Duration warn_interval = Duration::hours(4);  // one warning; zero: none
};

// Custom laws: the gap after the k-th failure.
struct FixedGaps {
  Duration interval = Duration::minutes(30);
};
struct ExponentialGaps {  // initial * factor^(k-1), at most `maximum`
  Duration initial = Duration::minutes(5);
  std::int64_t factor_permille = 2000;
  Duration maximum = Duration::hours(4);
};
struct ListGaps {  // gaps[k-1]; the last one repeats. REQUIRES: not empty.
  std::vector<Duration> gaps;
};

struct CustomRetry {
  std::variant<FixedGaps, ExponentialGaps, ListGaps> gaps;
  Duration queue_lifetime = Duration::days(5);  // checked after each attempt, as Postfix does
  Duration delay_warning;                       // zero: none; else one warning
  Duration queue_run_interval;                  // zero: continuous (attempts when due)
};

// An MTA's retry law. The default is Postfix's.
using RetryConfig =
    std::variant<PostfixRetry, EximRetry, SendmailRetry, QmailRetry, OpenSmtpdRetry, CustomRetry>;

inline constexpr std::array<std::string_view, 6> kRetryPresets = {
    "postfix", "exim", "sendmail", "qmail", "opensmtpd", "rfc5321"};

// The preset of that name (one of kRetryPresets) with its source's defaults.
std::optional<RetryConfig> retry_preset(std::string_view name);

// Exim keeps retry data per host, per host and message, and per address; the others keep
// it per message. The queue manager keeps one record per key (see retry_record_key).
enum class FailureScope { kHost, kMessage, kRecipient };

// What a law remembers about one retry key.
struct RetryRecord {
  int failures = 0;
  Time first_failed;     // valid once failures > 0
  Time last_try;         // when the last failure was recorded
  Time next_try;         // the due time the law gave then
  bool expired = false;  // Exim: failing for longer than the last rule's cutoff
};

struct FailedAttempt {
  Time arrival;  // when the message entered this MTA's queue
  Time started;  // when the attempt started
  Time failed;   // when it ended in a temporary failure ("now")
  FailureScope scope = FailureScope::kHost;
};

struct RetryVerdict {
  bool give_up = false;  // expire the recipient now ("expired, returned to sender")
  Time due;              // otherwise the earliest time the law allows the next attempt
};

// Records the failure in `record` and says what happens next. `rng` (the MTA's own stream)
// serves Exim's H rule only.
RetryVerdict after_failure(const RetryConfig& law, RetryRecord& record, const FailedAttempt& f,
                           RandomStream& rng);

// The key a failure's record is kept under: Exim's "T:host", "T:host:message" and
// "R:address" keys; the recipient itself for the per-message laws.
std::string retry_record_key(const RetryConfig& law, FailureScope scope, std::string_view nexthop,
                             std::string_view queue_id, std::string_view recipient);

// When a recipient expires without another attempt (OpenSMTPD's queue ttl); Time::max()
// for laws that only give up after an attempt.
Time give_up_deadline(const RetryConfig& law, Time arrival);

// When the law gives up on a recipient that keeps failing, for a delay warning's
// Will-Retry-Until: the queue lifetime's end, or for Exim the last rule's cutoff after
// `first_failure`. Postfix, sendmail and the custom laws give up at the first attempt
// after it, Exim at the first failure after it. Time::max() when there is none.
Time retry_until(const RetryConfig& law, Time arrival, Time first_failure);

// When the sender is due its next delay warning after `sent` of them; Time::max() when no
// more are due. The queue manager notices it after an attempt, as the MTAs do.
Time delay_warning_due(const RetryConfig& law, Time arrival, int sent);

// The granularity that turns "due" into an attempt. Periodic schedulers scan at
// origin + k * period (origin: when the MTA started) and pick what is due by
// scan + tolerance; a continuous one (period zero) attempts at the due time.
struct QueueScheduler {
  Duration period;
  Duration tolerance;  // Postfix: a message due within 1 s after a scan is picked by it

  // The attempt after a failure at `failed`: a periodic scan strictly later (the scan that
  // started the attempt has passed the recipient by).
  Time pick_after(Time origin, Time failed, Time due) const;
  // At the MTA's (re)start, which scans its queue at once.
  Time pick_at_start(Time origin, Time due) const;
};
QueueScheduler queue_scheduler(const RetryConfig& law);

// When the queue manager next looks at a recipient the law made due at `due`: the law's
// scheduler's pick (after a failure at `now`, or at the MTA's restart at `now`), or the
// law's deadline if that comes first; never before `now`. `origin`: the MTA's last start.
Time next_look(const RetryConfig& law, Time origin, Time arrival, Time now, Time due,
               bool at_start);

}  // namespace mailsim::mta
