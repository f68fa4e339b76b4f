// `mailsim smtpd`: the project's server session on a real TCP listener (Boost.Asio, one
// thread), delivering to a Maildir through LocalDelivery. Bounded against hostile clients:
// concurrent sessions (over the limit: 421 4.7.0 and close), line length and message size
// (the session's limits), and idle time (421 4.4.2). Stops cleanly on SIGINT or SIGTERM.
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "mailsim/core/time.h"
#include "mailsim/realnet/endpoint.h"
#include "mailsim/smtp/server_session.h"

namespace mailsim::realnet {

struct SmtpdOptions {
  Endpoint listen;  // port 0: a free port, reported in the "listening on" line
  // hostname, size limit, authenticate and require_auth are used as they are.
  smtp::ServerConfig session;
  std::vector<std::string> local_domains;
  std::string maildir = "Maildir";
  int max_sessions = 100;  // Postfix's default_process_limit
  // Postfix's smtpd_timeout: the wait for the client's next bytes, and for it to take a
  // reply (a client that reads nothing must not hold a session for ever).
  Duration idle_timeout = Duration::seconds(300);
};

// Serves until SIGINT or SIGTERM; then closes every session (a message not yet answered
// with 250 is not stored) and returns 0. Writes "listening on HOST:PORT" to `out` once
// bound, then one line per message stored or failed to store; accept errors go to `log`.
// Throws InputError when the address cannot be bound or the Maildir created.
int run_smtpd(const SmtpdOptions& options, std::ostream& out, std::ostream& log);

}  // namespace mailsim::realnet
