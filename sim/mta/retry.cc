// The retry laws other than Exim's (retry_exim.cc), the presets and the queue schedulers.
// Each law cites its row of ../shared/reference/mta-behaviour.md, section 1.
#include "mailsim/mta/retry.h"

#include <algorithm>
#include <cstdint>
#include <string>

#include "mta/retry_exim.h"

namespace mailsim::mta {

namespace {

template <class... F>
struct Overloaded : F... {
  using F::operator()...;
};
template <class... F>
Overloaded(F...) -> Overloaded<F...>;  // for compilers without aggregate CTAD (Clang < 17)

// floor(sqrt(n)) for n >= 0, exactly (Newton's method on integers).
std::int64_t isqrt(std::int64_t n) {
  if (n < 2) return n;
  std::int64_t x = n;
  std::int64_t y = (x + 1) / 2;
  while (y < x) {
    x = y;
    y = (x + n / x) / 2;
  }
  return x;
}

// Reference §1, Postfix row: qmgr_active_done_2_generic expires the message when
// now >= arrival + maximal_queue_lifetime; qmgr_active_done_3_generic defers it by its age,
// clamped to [minimal_backoff_time, maximal_backoff_time].
RetryVerdict postfix(const PostfixRetry& law, const FailedAttempt& f) {
  if (f.failed >= f.arrival + law.maximal_queue_lifetime) return {true, f.failed};
  const Duration age = f.failed - f.arrival;
  return {false, f.failed + std::clamp(age, law.minimal_backoff_time, law.maximal_backoff_time)};
}

// Reference §1, sendmail row: dropenvelope() returns the message once
// now >= ctime + Timeout.queuereturn; otherwise every queue run tries it, unless gatherq()
// finds it too young: with MaxQueueAge set, tried less than min(last try - ctime,
// MaxQueueAge) ago (its 'K' case then breaks before MinQueueAge is looked at); otherwise
// tried less than MinQueueAge ago. The last try (the K line) is the attempt's start.
RetryVerdict sendmail(const SendmailRetry& law, const FailedAttempt& f) {
  if (f.failed >= f.arrival + law.queue_return) return {true, f.failed};
  if (law.max_queue_age > Duration{}) {
    return {false, f.started + std::min(f.started - f.arrival, law.max_queue_age)};
  }
  return {false, f.started + law.min_queue_age};
}

// Reference §1, qmail row: pass_dochan() computes both the next retry and "dying" when the
// attempt starts: next = birth + (floor(sqrt(age in s)) + chanskip)^2 s; a dying attempt
// (started more than queuelifetime after birth) turns a temporary failure permanent.
RetryVerdict qmail(const QmailRetry& law, const FailedAttempt& f) {
  if (f.started > f.arrival + law.queuelifetime) return {true, f.failed};
  const std::int64_t age_s =
      std::max<std::int64_t>(0, (f.started - f.arrival).ns() / 1'000'000'000);
  const std::int64_t n = isqrt(age_s) + law.chanskip;
  return {false, f.arrival + Duration::seconds(n * n)};
}

// Reference §1, OpenSMTPD row: scheduler_next() tries ctime + base * k^2 with k the retry
// count, raising k until that is in the future. The ttl is a deadline (give_up_deadline);
// an attempt still in flight then expires when it fails.
RetryVerdict opensmtpd(const OpenSmtpdRetry& law, const RetryRecord& r, const FailedAttempt& f) {
  if (f.failed >= f.arrival + law.queue_ttl) return {true, f.failed};
  std::int64_t k = r.failures;
  while (f.arrival + law.backoff_base * (k * k) <= f.failed) ++k;
  return {false, f.arrival + law.backoff_base * (k * k)};
}

Duration custom_gap(const CustomRetry& law, int failures) {
  return std::visit(
      Overloaded{[](const FixedGaps& g) { return g.interval; },
                 [&](const ExponentialGaps& g) {
                   Duration gap = std::min(g.initial, g.maximum);
                   for (int k = 1; k < failures && gap < g.maximum; ++k) {
                     gap = std::min(scale_duration(gap, g.factor_permille), g.maximum);
                   }
                   return gap;
                 },
                 [&](const ListGaps& g) {
                   const auto i = std::min<std::size_t>(failures - 1, g.gaps.size() - 1);
                   return g.gaps[i];
                 }},
      law.gaps);
}

// Custom laws give up like Postfix: after an attempt, once the queue lifetime has passed.
RetryVerdict custom(const CustomRetry& law, const RetryRecord& r, const FailedAttempt& f) {
  if (f.failed >= f.arrival + law.queue_lifetime) return {true, f.failed};
  return {false, f.failed + custom_gap(law, r.failures)};
}

// One warning at arrival + after; none when `after` is zero.
Time single_warning(Time arrival, Duration after, int sent) {
  return after > Duration{} && sent == 0 ? arrival + after : Time::max();
}

}  // namespace

Duration scale_duration(Duration d, std::int64_t permille) {
  if (d.ns() > INT64_MAX / permille) return Duration::max();
  return Duration::nanoseconds(d.ns() * permille / 1000);
}

RetryVerdict after_failure(const RetryConfig& law, RetryRecord& record, const FailedAttempt& f,
                           RandomStream& rng) {
  if (const auto* exim = std::get_if<EximRetry>(&law))
    return exim_after_failure(*exim, record, f, rng);
  if (record.failures++ == 0) record.first_failed = f.failed;
  const RetryVerdict v =
      std::visit(Overloaded{[&](const PostfixRetry& l) { return postfix(l, f); },
                            [&](const SendmailRetry& l) { return sendmail(l, f); },
                            [&](const QmailRetry& l) { return qmail(l, f); },
                            [&](const OpenSmtpdRetry& l) { return opensmtpd(l, record, f); },
                            [&](const CustomRetry& l) { return custom(l, record, f); },
                            [](const EximRetry&) { return RetryVerdict{}; }},
                 law);
  record.last_try = f.failed;
  record.next_try = v.due;
  return v;
}

std::string retry_record_key(const RetryConfig& law, FailureScope scope, std::string_view nexthop,
                             std::string_view queue_id, std::string_view recipient) {
  if (!std::holds_alternative<EximRetry>(law)) return std::string(recipient);
  switch (scope) {
    case FailureScope::kHost:
      return "T:" + std::string(nexthop);
    case FailureScope::kMessage:
      return "T:" + std::string(nexthop) + ":" + std::string(queue_id);
    case FailureScope::kRecipient:
      break;
  }
  return "R:" + std::string(recipient);
}

Time give_up_deadline(const RetryConfig& law, Time arrival) {
  const auto* smtpd = std::get_if<OpenSmtpdRetry>(&law);
  return smtpd ? arrival + smtpd->queue_ttl : Time::max();
}

Time retry_until(const RetryConfig& law, Time arrival, Time first_failure) {
  return std::visit(
      Overloaded{[&](const PostfixRetry& l) { return arrival + l.maximal_queue_lifetime; },
                 [&](const EximRetry& l) {
                   return l.rules.empty() ? Time::max() : first_failure + l.rules.back().cutoff;
                 },
                 [&](const SendmailRetry& l) { return arrival + l.queue_return; },
                 [&](const QmailRetry& l) { return arrival + l.queuelifetime; },
                 [&](const OpenSmtpdRetry& l) { return arrival + l.queue_ttl; },
                 [&](const CustomRetry& l) { return arrival + l.queue_lifetime; }},
      law);
}

Time delay_warning_due(const RetryConfig& law, Time arrival, int sent) {
  return std::visit(
      Overloaded{
          // qmgr_active_done_2_generic warns once now >= warn_time - 1 s.
          [&](const PostfixRetry& l) {
            const Time t = single_warning(arrival, l.delay_warning_time, sent);
            return t == Time::max() ? t : t - Duration::seconds(1);
          },
          [&](const EximRetry& l) {  // delay_warning = 24h repeats every 24 h
            return l.delay_warning > Duration{} ? arrival + l.delay_warning * (sent + 1)
                                                : Time::max();
          },
          [&](const SendmailRetry& l) { return single_warning(arrival, l.queue_warn, sent); },
          [](const QmailRetry&) { return Time::max(); },
          [&](const OpenSmtpdRetry& l) { return single_warning(arrival, l.warn_interval, sent); },
          [&](const CustomRetry& l) { return single_warning(arrival, l.delay_warning, sent); }},
      law);
}

QueueScheduler queue_scheduler(const RetryConfig& law) {
  return std::visit(Overloaded{[](const PostfixRetry& l) {
                                 return QueueScheduler{l.queue_run_delay, Duration::seconds(1)};
                               },
                               [](const EximRetry& l) {
                                 return QueueScheduler{l.queue_run_interval, {}};
                               },
                               [](const SendmailRetry& l) {
                                 return QueueScheduler{l.queue_run_interval, {}};
                               },
                               [](const QmailRetry&) { return QueueScheduler{}; },
                               [](const OpenSmtpdRetry&) { return QueueScheduler{}; },
                               [](const CustomRetry& l) {
                                 return QueueScheduler{l.queue_run_interval, {}};
                               }},
                    law);
}

namespace {

// The first scan at origin + k * period, k >= 0, that is at or after both `earliest` and
// due - tolerance.
Time first_scan(const QueueScheduler& s, Time origin, Time earliest, Time due) {
  const Time from = std::max({origin, earliest, due - s.tolerance});
  const std::int64_t p = s.period.ns();
  const std::int64_t k = ((from - origin).ns() + p - 1) / p;
  return origin + s.period * k;
}

}  // namespace

Time QueueScheduler::pick_after(Time origin, Time failed, Time due) const {
  if (period == Duration{}) return std::max(failed, due);
  return first_scan(*this, origin, failed + Duration::nanoseconds(1), due);
}

Time QueueScheduler::pick_at_start(Time origin, Time due) const {
  if (period == Duration{}) return std::max(origin, due);
  return first_scan(*this, origin, origin, due);
}

Time next_look(const RetryConfig& law, Time origin, Time arrival, Time now, Time due,
               bool at_start) {
  const QueueScheduler s = queue_scheduler(law);
  const Time pick = at_start ? s.pick_at_start(origin, due) : s.pick_after(origin, now, due);
  return std::max(now, std::min(pick, give_up_deadline(law, arrival)));
}

std::optional<RetryConfig> retry_preset(std::string_view name) {
  if (name == "postfix") return PostfixRetry{};
  if (name == "exim") return EximRetry{};
  if (name == "sendmail") return SendmailRetry{};
  if (name == "qmail") return QmailRetry{};
  if (name == "opensmtpd") return OpenSmtpdRetry{};
  if (name == "rfc5321") {
    // Reference §1, RFC 5321 row, read as: the first retry after 30 min (the interval
    // SHOULD be at least 30 min; with the first attempt that is two in the first hour),
    // then one every 2 h (the low end of "every 2-3 h"); give up after 5 d ("at least
    // 4-5 days"), checked after an attempt. Continuous scheduling; no delay warning.
    CustomRetry law;
    law.gaps = ListGaps{{Duration::minutes(30), Duration::hours(2)}};
    return law;
  }
  return std::nullopt;
}

}  // namespace mailsim::mta
