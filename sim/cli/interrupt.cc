#include "cli/interrupt.h"

#include <atomic>

namespace mailsim::cli {
namespace {

// The one piece of global state a signal handler needs. Lock-free atomics are
// async-signal-safe.
std::atomic<int> received_signal{0};
static_assert(std::atomic<int>::is_always_lock_free);

extern "C" void on_stop_signal(int signal) { received_signal.store(signal); }

// Installs the handler for `signal` unless it is ignored; `old` keeps what was there.
void catch_signal(int signal, struct sigaction& old) {
  sigaction(signal, nullptr, &old);
  if (old.sa_handler == SIG_IGN) return;
  struct sigaction action {};
  action.sa_handler = on_stop_signal;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_RESTART | SA_RESETHAND;
  sigaction(signal, &action, nullptr);
}

}  // namespace

StopOnSignals::StopOnSignals() {
  received_signal.store(0);
  catch_signal(SIGINT, old_int_);
  catch_signal(SIGTERM, old_term_);
}

StopOnSignals::~StopOnSignals() {
  sigaction(SIGINT, &old_int_, nullptr);
  sigaction(SIGTERM, &old_term_, nullptr);
}

int StopOnSignals::received() const { return received_signal.load(); }

int exit_status_for_signal(int signal) { return 128 + signal; }

const char* signal_name(int signal) {
  switch (signal) {
    case SIGINT:
      return "SIGINT";
    case SIGTERM:
      return "SIGTERM";
    default:
      return "a signal";
  }
}

}  // namespace mailsim::cli
