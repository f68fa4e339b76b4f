#include "mailsim/realnet/endpoint.h"

#include <unistd.h>

#include <array>
#include <charconv>

#include "mailsim/core/error.h"

namespace mailsim::realnet {

Endpoint parse_endpoint(std::string_view text, const std::string& key) {
  const auto fail = [&](const std::string& problem) -> InputError {
    return InputError("'" + std::string(text) + "' " + problem,
                      "write HOST:PORT, e.g. 127.0.0.1:2525 or [::1]:2525",
                      {"command line", 0, 0, key});
  };
  const std::size_t colon = text.rfind(':');
  if (colon == std::string_view::npos) throw fail("has no port");
  std::string_view host = text.substr(0, colon);
  const std::string_view port_text = text.substr(colon + 1);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  } else if (host.find(':') != std::string_view::npos) {
    throw fail("needs brackets around an IPv6 address");
  }
  if (host.empty()) throw fail("has no host");
  unsigned port = 0;
  const char* end = port_text.data() + port_text.size();
  const auto [ptr, error] = std::from_chars(port_text.data(), end, port);
  if (port_text.empty() || error != std::errc() || ptr != end || port > 65535) {
    throw fail("has no valid port (0 to 65535)");
  }
  return {std::string(host), static_cast<std::uint16_t>(port)};
}

std::string to_string(const Endpoint& endpoint) {
  const bool ipv6 = endpoint.host.find(':') != std::string::npos;
  return (ipv6 ? "[" + endpoint.host + "]" : endpoint.host) + ":" + std::to_string(endpoint.port);
}

std::string local_hostname() {
  std::array<char, 256> name{};
  if (gethostname(name.data(), name.size() - 1) != 0 || name[0] == '\0') return "localhost";
  return name.data();
}

}  // namespace mailsim::realnet
