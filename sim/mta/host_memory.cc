#include "mta/host_memory.h"

#include <algorithm>

namespace mailsim::mta {

std::optional<std::string> HostMemory::skipped(const std::string& host, Time now) const {
  const auto it = hosts_.find(host);
  if (it == hosts_.end() || now >= it->second.until) return std::nullopt;
  if (style_ == SenderStyle::kQmail) {
    return "Sorry, I wasn't able to establish an SMTP connection: " + host +
           " timed out twice. (#4.4.1)";
  }
  return "route to " + host + " disabled after " + std::to_string(it->second.penalty) +
         " failed connection(s)";
}

const char* HostMemory::skip_kind() const {
  return style_ == SenderStyle::kQmail ? "tcpto" : "route_disabled";
}

void HostMemory::connect_result(const std::string& host, net::ConnectStatus status, Time now) {
  if (style_ == SenderStyle::kQmail) {
    if (status != net::ConnectStatus::kTimedOut) {
      hosts_.erase(host);
      return;
    }
    Host& h = hosts_[host];
    if (++h.timeouts >= 2) {
      const auto extra = static_cast<std::int64_t>(rng_.uniform_int(32));
      h.until = now + Duration::seconds((60 + extra) * 64);
    }
  } else if (style_ == SenderStyle::kOpenSmtpd) {
    if (status == net::ConnectStatus::kConnected) {
      hosts_.erase(host);
      return;
    }
    Host& h = hosts_[host];
    ++h.penalty;
    const std::int64_t delay = std::min<std::int64_t>(15 * h.penalty * h.penalty, 3600);
    h.until = now + Duration::seconds(delay);
  }
}

}  // namespace mailsim::mta
