// Where a real server listens or a real client connects: a host name or address and a
// TCP port, as written on the command line ("127.0.0.1:2525", "[::1]:25", "mx.example:25").
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace mailsim::realnet {

struct Endpoint {
  std::string host;  // a name or an address; an IPv6 address without its brackets
  std::uint16_t port = 0;

  friend bool operator==(const Endpoint&, const Endpoint&) = default;
};

// Reads "HOST:PORT" or "[IPV6]:PORT"; port 0 is allowed (a listener then takes a free
// one). Throws InputError naming `key` (the option it came from) when the text is not one.
Endpoint parse_endpoint(std::string_view text, const std::string& key);

// "HOST:PORT", with brackets around an IPv6 address.
std::string to_string(const Endpoint& endpoint);

// This machine's host name, for greetings and EHLO when none is given.
std::string local_hostname();

}  // namespace mailsim::realnet
