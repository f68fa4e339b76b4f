// Stopping a run cleanly on SIGINT or SIGTERM. While a StopOnSignals lives, either signal
// only sets a process-wide flag (signal dispositions are process-wide too), which the run
// loop polls; the run then ends at its next step and records what happened. The handler
// is reset when it runs, so a second signal acts as it would without mailsim and cuts a
// stuck shutdown short. A signal ignored when the guard is made stays ignored, as a
// background job of a script expects. At most one guard at a time.
#pragma once

#include <csignal>

namespace mailsim::cli {

class StopOnSignals {
 public:
  StopOnSignals();
  // Restores the dispositions it replaced.
  ~StopOnSignals();
  StopOnSignals(const StopOnSignals&) = delete;
  StopOnSignals& operator=(const StopOnSignals&) = delete;

  // SIGINT or SIGTERM once one has arrived, else 0. Safe from any thread.
  int received() const;

 private:
  struct sigaction old_int_ {};
  struct sigaction old_term_ {};
};

// The exit status of a run stopped by `signal`, as a shell reports a process killed by
// it: 128 + its number (130 for SIGINT, 143 for SIGTERM).
int exit_status_for_signal(int signal);

// "SIGINT", "SIGTERM", or "a signal".
const char* signal_name(int signal);

}  // namespace mailsim::cli
