// Postfix's per-destination concurrency window with its feedback (qmgr_queue.c,
// qmgr_feedback.c; reference §2), as a pure value: how many sessions may run to one next
// hop, grown by each delivery that reached the server and shrunk by each site-level
// failure (a failed connect, greeting or EHLO), until the failed-cohort rule declares the
// destination dead. Styles without feedback keep the window at the limit. Private to the
// mta layer.
#pragma once

#include <algorithm>

namespace mailsim::mta {

class ConcurrencyWindow {
 public:
  // Postfix: initial_destination_concurrency 5, default_destination_concurrency_limit 20,
  // failed_cohort_limit 1. `feedback` false: a fixed window of `limit`.
  ConcurrencyWindow(int initial, int limit, bool feedback)
      : initial_(std::min(initial, limit)), limit_(limit), feedback_(feedback) {
    reset();
  }

  int window() const { return window_; }
  double failed_cohorts() const { return failed_cohorts_; }

  // A delivery that got past EHLO (whatever became of its recipients): positive feedback
  // 1 (default_destination_concurrency_positive_feedback), and the failures so far are
  // forgiven, as qmgr_queue_unthrottle() does.
  void success() {
    if (!feedback_) return;
    window_ = std::min(window_ + 1, limit_);
    failed_cohorts_ = 0;
  }

  // A site-level failure: 1/window more failed cohorts, then negative feedback 1 (the window
  // never below 1). Returns true when the destination is now dead: failed cohorts reached
  // failed_cohort_limit 1. From a window of 5: 1/5 + 1/4 + 1/3 + 1/2 -> dead at the 4th.
  bool site_failure() {
    if (!feedback_) return false;
    failed_cohorts_ += 1.0 / window_;
    window_ = std::max(window_ - 1, 1);
    return failed_cohorts_ >= kFailedCohortLimit;
  }

  // After the dead destination's backoff: the initial window again, no failures.
  void reset() {
    window_ = feedback_ ? initial_ : limit_;
    failed_cohorts_ = 0;
  }

 private:
  static constexpr double kFailedCohortLimit = 1;
  int initial_;
  int limit_;
  bool feedback_;
  int window_ = 1;
  double failed_cohorts_ = 0;
};

}  // namespace mailsim::mta
