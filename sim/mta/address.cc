#include "mta/address.h"

#include <charconv>

namespace mailsim::mta {

std::uint32_t host_address(net::NodeId node) {
  const auto n = static_cast<std::uint32_t>(node);
  return ((10u + (n >> 16)) << 24) | ((n & 0xffffu) << 8) | 1u;
}

std::string format_address(std::uint32_t a) {
  // Spelled on the stack and copied once: at most 15 characters, no allocation.
  char text[15];
  char* end = text;
  for (int shift = 24; shift >= 0; shift -= 8) {
    end = std::to_chars(end, end + 3, a >> shift & 0xffu).ptr;
    if (shift != 0) *end++ = '.';
  }
  return std::string(text, end);
}

std::uint32_t network_of(std::uint32_t address, int bits) {
  if (bits <= 0) return 0;
  return bits >= 32 ? address : address & ~(0xffffffffu >> bits);
}

}  // namespace mailsim::mta
