// Stopping a run on SIGINT or SIGTERM: the guard turns the first signal into a flag and
// otherwise leaves the process's signal handling as it found it.
#include "cli/interrupt.h"

#include <csignal>

#include "support/catch.h"

namespace mailsim::cli {
namespace {

volatile std::sig_atomic_t own_handler_ran = 0;
extern "C" void own_handler(int) { own_handler_ran = 1; }

// What `signal` does now.
void (*disposition(int signal))(int) {
  struct sigaction now {};
  sigaction(signal, nullptr, &now);
  return now.sa_handler;
}

// Sets `handler` for `signal` for the scope, then puts back what was there.
class Disposition {
 public:
  Disposition(int signal, void (*handler)(int)) : signal_(signal) {
    struct sigaction action {};
    action.sa_handler = handler;
    sigemptyset(&action.sa_mask);
    sigaction(signal, &action, &old_);
  }
  ~Disposition() { sigaction(signal_, &old_, nullptr); }

 private:
  int signal_;
  struct sigaction old_ {};
};

TEST_CASE("SIGTERM under the guard is noted instead of ending the process") {
  const Disposition outer(SIGTERM, own_handler);
  const StopOnSignals guard;
  CHECK(guard.received() == 0);
  std::raise(SIGTERM);
  CHECK(guard.received() == SIGTERM);
}

TEST_CASE("after the first signal, a second one acts as it would without the guard") {
  const Disposition outer(SIGINT, own_handler);
  const StopOnSignals guard;
  std::raise(SIGINT);
  CHECK(guard.received() == SIGINT);
  CHECK(disposition(SIGINT) == SIG_DFL);  // not raised again: it would end the test run
}

TEST_CASE("the guard puts back the handlers it found") {
  const Disposition outer(SIGINT, own_handler);
  { const StopOnSignals guard; }
  own_handler_ran = 0;
  std::raise(SIGINT);
  CHECK(own_handler_ran == 1);
}

TEST_CASE("a signal ignored before the guard stays ignored") {
  const Disposition outer(SIGINT, SIG_IGN);
  const StopOnSignals guard;
  CHECK(disposition(SIGINT) == SIG_IGN);
  std::raise(SIGINT);
  CHECK(guard.received() == 0);
}

TEST_CASE("a run stopped by a signal exits as a shell reports that signal") {
  CHECK(exit_status_for_signal(SIGINT) == 130);
  CHECK(exit_status_for_signal(SIGTERM) == 143);
  CHECK(std::string(signal_name(SIGTERM)) == "SIGTERM");
}

}  // namespace
}  // namespace mailsim::cli
