// What an MTA remembers about the hosts it failed to connect to, shared by all its
// deliveries, in the styles that skip such hosts for a while (reference §2):
// - qmail (tcpto.c): after two connect timeouts in a row to a host (a refusal or a
//   connection clears the count) it is skipped for 64-97 min after the last one. qmail
//   takes the extra 0-31 (x 64 s) from the pid of its qmail-remote; here it is drawn once,
//   when the host gets its second timeout, from the MTA's random stream "tcpto:NAME".
// - OpenSMTPD (mta.c): each failed connection raises the route's penalty and disables the
//   route for 15 s * penalty^2, at most 3600 s; a connection resets it.
// Other styles remember nothing. Private to the mta layer; not thread-safe.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "mailsim/core/random.h"
#include "mailsim/core/time.h"
#include "mailsim/mta/queue_config.h"
#include "mailsim/net/network.h"

namespace mailsim::mta {

class HostMemory {
 public:
  HostMemory(SenderStyle style, RandomStream rng) : style_(style), rng_(std::move(rng)) {}

  // Why `host` is skipped at `now` (the text a skipped delivery is deferred with), if it is.
  std::optional<std::string> skipped(std::string_view host, Time now) const;
  // The deferral kind of a turn whose every host was skipped: "tcpto" (qmail) or
  // "route_disabled" (OpenSMTPD).
  const char* skip_kind() const;
  // A connect to `host` ended with `status` at `now`.
  void connect_result(std::string_view host, net::ConnectStatus status, Time now);

 private:
  struct Host {
    int timeouts = 0;  // qmail: in a row
    int penalty = 0;   // OpenSMTPD
    Time until;        // skipped before this time
  };
  Host& entry(std::string_view host);  // made when missing
  void forget(std::string_view host);

  SenderStyle style_;
  RandomStream rng_;
  std::map<std::string, Host, std::less<>> hosts_;
};

}  // namespace mailsim::mta
