#include "mta/host_memory.h"

#include <algorithm>

namespace mailsim::mta {

HostMemory::Host& HostMemory::entry(std::string_view host) {
  auto it = hosts_.find(host);
  if (it == hosts_.end()) it = hosts_.emplace(std::string(host), Host{}).first;
  return it->second;
}

void HostMemory::forget(std::string_view host) {
  if (const auto it = hosts_.find(host); it != hosts_.end()) hosts_.erase(it);
}

std::optional<std::string> HostMemory::skipped(std::string_view host, Time now) const {
  const auto it = hosts_.find(host);
  if (it == hosts_.end() || now >= it->second.until) return std::nullopt;
  if (style_ == SenderStyle::kQmail) {
    return "Sorry, I wasn't able to establish an SMTP connection: " + std::string(host) +
           " timed out twice. (#4.4.1)";
  }
  return "route to " + std::string(host) + " disabled after " + std::to_string(it->second.penalty) +
         " failed connection(s)";
}

const char* HostMemory::skip_kind() const {
  return style_ == SenderStyle::kQmail ? "tcpto" : "route_disabled";
}

void HostMemory::connect_result(std::string_view host, net::ConnectStatus status, Time now) {
  if (style_ == SenderStyle::kQmail) {
    if (status != net::ConnectStatus::kTimedOut) {
      forget(host);
      return;
    }
    Host& h = entry(host);
    if (++h.timeouts >= 2) {
      const auto extra = static_cast<std::int64_t>(rng_.uniform_int(32));
      h.until = now + Duration::seconds((60 + extra) * 64);
    }
  } else if (style_ == SenderStyle::kOpenSmtpd) {
    if (status == net::ConnectStatus::kConnected) {
      forget(host);
      return;
    }
    Host& h = entry(host);
    ++h.penalty;
    const std::int64_t delay = std::min<std::int64_t>(15 * h.penalty * h.penalty, 3600);
    h.until = now + Duration::seconds(delay);
  }
}

}  // namespace mailsim::mta
