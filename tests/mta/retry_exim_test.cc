// The Exim preset and rule language against reference §1, Exim rows (retry.c).
#include <string>
#include <vector>

#include "mailsim/core/error.h"
#include "mta/always_failing.h"
#include "support/catch.h"

using mailsim::Duration;
using mailsim::InputError;
using mailsim::RandomStream;
using mailsim::Time;
using namespace mailsim::mta;

namespace {

Time at_s(std::int64_t s) { return Time::zero() + Duration::seconds(s); }

// One failure of a host key at `failed` for a message that arrived at 0.
RetryVerdict fail_at(const EximRetry& law, RetryRecord& r, std::int64_t failed,
                     FailureScope scope = FailureScope::kHost) {
  RandomStream rng(1, 0, "mta:test");
  return after_failure(law, r, {Time::zero(), at_s(failed), at_s(failed), scope}, rng);
}

// The due times, in seconds, after failures of one host key at these times.
std::vector<std::int64_t> dues(const EximRetry& law, const std::vector<std::int64_t>& failures) {
  RetryRecord r;
  std::vector<std::int64_t> out;
  for (const std::int64_t t : failures) out.push_back(whole_seconds(fail_at(law, r, t).due));
  return out;
}

EximRetry rules(const char* text) {
  EximRetry law;
  law.rules = parse_exim_rules(text);
  law.retry_interval_max = Duration::days(30);
  return law;
}

std::string parse_error(const char* text) {
  try {
    parse_exim_rules(text);
  } catch (const InputError& e) {
    return e.problem();
  }
  return "no error";
}

}  // namespace

TEST_CASE("exim: the first 15 attempts to a failing host follow the default rules") {
  // Rules F,2h,15m; G,16h,1h,1.5; F,4d,6h; queue runs every 30 min from 0; each attempt
  // fails as it starts, so the host's first failure is at 0 and the failing interval is
  // the attempt time. A retry time is only a hint: the attempt is the next run at or after it.
  //   fails at  interval  rule  gap                                       next    run
  //         0        0    F     15m                                         900   1800
  //      1800     1800    F     15m                                        2700   3600
  //      3600, 5400: F again: next 4500, 6300 -> runs 5400, 7200
  //      7200     7200    F     (7200 <= 2h still)                         8100   9000
  //      9000     9000    G     planned 900, actual 1800: lastgap 900 < 1h
  //                             -> the start, 3600                        12600  12600
  //     12600             G     lastgap min(3600, 3600) = 3600 -> 5400    18000  18000
  //     18000             G     lastgap 5400 -> 8100                      26100  27000
  //     27000             G     planned 8100, actual 9000: 8100 -> 12150  39150  39600
  //     39600             G     planned 12150, actual 12600: -> 18225     57825  59400
  //     59400    59400    F     past 16h: 6h                              81000  81000
  // and every 6 h on: 102600, 124200, 145800.
  const FailingRun run = always_failing(EximRetry{});
  CHECK(first(run, 15) == std::vector<std::int64_t>{0, 1800, 3600, 5400, 7200, 9000, 12600, 18000,
                                                    27000, 39600, 59400, 81000, 102600, 124200,
                                                    145800});
}

TEST_CASE("exim: a message older than the last cutoff gets one forced attempt, then times out") {
  // The 6 h rule goes on from 81000 s: ..., 318600, 340200 (interval 340200 <= 4 d =
  // 345600, so its retry time is 361800). The message is older than the 4 d cutoff from
  // 345600 s on (strictly: now - received > cutoff), so the run at 347400 s tries it before
  // its retry time (retry_check_address), and that failure times it out (retry_update).
  const FailingRun run = always_failing(EximRetry{});
  REQUIRE(run.attempts.size() >= 2);
  CHECK(run.attempts[run.attempts.size() - 2] == 340200);
  CHECK(run.attempts.back() == 347400);
  CHECK(run.gave_up == at_s(347400));
}

TEST_CASE("exim: delay warnings repeat every 24 hours") {
  // Due at 86400, 172800, 259200 s; noticed after the attempts at 102600, 189000 and
  // 275400. The next is due at 345600, but the attempt at 347400 times the message out.
  CHECK(always_failing(EximRetry{}).warnings == std::vector<std::int64_t>{102600, 189000, 275400});
}

TEST_CASE("exim: G takes the planned gap when the actual one was longer, and the reverse") {
  // G,1d,1h,2, one host key failing at these times:
  //        0: new record, lastgap 0 < 1h -> 1h: due 3600
  //     5400: late; planned 3600, actual 5400 -> lastgap 3600 -> 7200: due 12600
  //           (the actual gap would have given 16200)
  //    14000: late again; planned 7200, actual 8600 -> 14400: due 28400
  //    20000: early (another message's attempt); planned 14400, actual 6000 -> 12000: 32000
  CHECK(dues(rules("G,1d,1h,2"), {0, 5400, 14000, 20000}) ==
        std::vector<std::int64_t>{3600, 12600, 28400, 32000});
}

TEST_CASE("exim: H draws the gap from the upper half of G's range") {
  // H,10d,1h,2 after failures at 0 and 3600: G would give 7200; H draws from
  // [3600 + (7200 - 3600) / 2, 7200) = [5400, 7200).
  const EximRetry law = rules("H,10d,1h,2");
  RandomStream rng(7, 0, "mta:h-rule");
  Duration low = Duration::max(), high;
  for (int i = 0; i < 2000; ++i) {
    RetryRecord r;
    after_failure(law, r, {Time::zero(), Time::zero(), Time::zero()}, rng);
    const Time due = after_failure(law, r, {Time::zero(), at_s(3600), at_s(3600)}, rng).due;
    low = std::min(low, due - at_s(3600));
    high = std::max(high, due - at_s(3600));
  }
  CHECK(low >= Duration::seconds(5400));
  CHECK(high < Duration::seconds(7200));
  // 2000 draws cover the range: both ends come within a few seconds.
  CHECK(low < Duration::seconds(5410));
  CHECK(high > Duration::seconds(7190));
}

TEST_CASE("exim: every gap is capped by retry_interval_max") {
  // G,10d,1h,10 with the default 24 h cap, failing when due: gaps 1h, 10h, then 24h
  // (instead of 100 h and 1000 h).
  EximRetry law = rules("G,10d,1h,10");
  law.retry_interval_max = Duration::hours(24);
  CHECK(dues(law, {0, 3600, 39600, 126000}) ==
        std::vector<std::int64_t>{3600, 39600, 126000, 212400});
}

TEST_CASE("exim: cutoffs count from the host's first failure, not the message's arrival") {
  // A host record that first failed at 0 (kept across messages), and a message that
  // arrived at 1 d: its failure at 4d1h is past the 4 d cutoff although the message is
  // only 3d1h old, so the address times out.
  const EximRetry law;
  RetryRecord host{5, Time::zero(), at_s(345600 - 3600), at_s(345600 + 18000)};
  RandomStream rng(1, 0, "mta:test");
  const RetryVerdict v = after_failure(law, host, {at_s(86400), at_s(349200), at_s(349200)}, rng);
  CHECK(v.give_up);
  CHECK(host.expired);
}

TEST_CASE("exim: a message or address failure counts the message's age if longer") {
  // A key that first fails 3 h after the message arrived: as a host key its interval is 0
  // (F,2h,15m: due 15 min later); as a message key it is the message's 3 h (G: 1 h).
  RetryRecord host, message;
  CHECK(fail_at(EximRetry{}, host, 10800).due == at_s(10800 + 900));
  CHECK(fail_at(EximRetry{}, message, 10800, FailureScope::kMessage).due == at_s(10800 + 3600));
}

TEST_CASE("exim: host, message and address failures are kept under their own keys") {
  const RetryConfig law = EximRetry{};
  CHECK(retry_record_key(law, FailureScope::kHost, "mx.b.example", "0A1", "bob@b.example") ==
        "T:mx.b.example");
  CHECK(retry_record_key(law, FailureScope::kMessage, "mx.b.example", "0A1", "bob@b.example") ==
        "T:mx.b.example:0A1");
  CHECK(retry_record_key(law, FailureScope::kRecipient, "mx.b.example", "0A1", "bob@b.example") ==
        "R:bob@b.example");
  // The per-message laws keep one record per recipient.
  CHECK(retry_record_key(PostfixRetry{}, FailureScope::kHost, "mx.b.example", "0A1",
                         "bob@b.example") == "bob@b.example");
}

TEST_CASE("exim: the default rules parse to what the reference lists") {
  const std::vector<EximRule> r = EximRetry{}.rules;
  REQUIRE(r.size() == 3);
  CHECK(r[0].kind == EximRule::Kind::kFixed);
  CHECK(r[0].cutoff == Duration::hours(2));
  CHECK(r[0].interval == Duration::minutes(15));
  CHECK(r[1].kind == EximRule::Kind::kGeometric);
  CHECK(r[1].cutoff == Duration::hours(16));
  CHECK(r[1].interval == Duration::hours(1));
  CHECK(r[1].factor_permille == 1500);
  CHECK(r[2].cutoff == Duration::days(4));
  CHECK(r[2].interval == Duration::hours(6));
  CHECK(parse_exim_rules(" h , 1d , 5m , 1.25 ")[0].factor_permille == 1250);
}

TEST_CASE("exim: a rule string that does not parse names the rule and what is wrong") {
  CHECK(parse_error("") == "no retry rules");
  CHECK(parse_error("F,2h") == "rule 1 'F,2h': F needs a cutoff and an interval");
  CHECK(parse_error("F,2h,15m; G,16h,1h") ==
        "rule 2 'G,16h,1h': G needs a cutoff, a starting interval and a factor");
  CHECK(parse_error("X,2h,15m").starts_with("rule 1 'X,2h,15m': 'X' is not a rule letter"));
  CHECK(parse_error("F,2h,15m;;F,4d,6h") == "rule 2 '' is empty");
  CHECK(parse_error("F,0s,15m") == "rule 1 'F,0s,15m': the cutoff must be positive");
  CHECK(parse_error("F,2h,15parsecs").starts_with("rule 1 'F,2h,15parsecs': unknown unit"));
  CHECK(parse_error("G,16h,1h,1") ==
        "rule 1 'G,16h,1h,1': a factor of 1 does not make the gaps grow");
  CHECK(parse_error("G,16h,1h,one") == "rule 1 'G,16h,1h,one': 'one' is not a factor");
  CHECK(parse_error("F,2h,15m; F,1h,5m") ==
        "rule 2 'F,1h,5m': its cutoff 1h is not after the previous rule's 2h");
}
