// A destination that always fails temporarily, driven through a retry law without the
// simulator: the message arrives at 0 at an MTA started at 0, its first attempt starts at
// once, and each attempt fails `attempt_length` after it starts. Follows the queue
// manager's steps (sim/mta/mta.cc): after_failure(), a delay warning if one is due, then
// next_look() for the next attempt, or the law's deadline.
#pragma once

#include <cstdint>
#include <vector>

#include "mailsim/core/random.h"
#include "mailsim/mta/retry.h"

struct FailingRun {
  std::vector<std::int64_t> attempts;  // start times in whole seconds (as the tables are)
  mailsim::Time gave_up = mailsim::Time::max();
  std::vector<std::int64_t> warnings;  // when each delay warning was noticed, in seconds
};

inline std::int64_t whole_seconds(mailsim::Time t) { return t.ns() / 1'000'000'000; }

inline FailingRun always_failing(
    const mailsim::mta::RetryConfig& law, mailsim::Duration attempt_length = {},
    mailsim::mta::FailureScope scope = mailsim::mta::FailureScope::kHost) {
  using namespace mailsim;
  using namespace mailsim::mta;
  RandomStream rng(1, 0, "mta:test");
  RetryRecord record;
  FailingRun run;
  const Time arrival = Time::zero();
  const Time deadline = give_up_deadline(law, arrival);
  Time start = arrival;
  while (run.attempts.size() < 100'000) {
    run.attempts.push_back(whole_seconds(start));
    const Time failed = start + attempt_length;
    const RetryVerdict v = after_failure(law, record, {arrival, start, failed, scope}, rng);
    if (v.give_up) {
      run.gave_up = failed;
      break;
    }
    if (failed >= delay_warning_due(law, arrival, static_cast<int>(run.warnings.size()))) {
      run.warnings.push_back(whole_seconds(failed));
    }
    start = next_look(law, Time::zero(), arrival, failed, v.due, false);
    if (start >= deadline) {
      run.gave_up = start;
      break;
    }
  }
  return run;
}

// The first n attempt times.
inline std::vector<std::int64_t> first(const FailingRun& run, std::size_t n) {
  return {run.attempts.begin(), run.attempts.begin() + static_cast<std::ptrdiff_t>(n)};
}
