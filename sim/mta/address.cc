#include "mta/address.h"

#include <charconv>

namespace mailsim::mta {

std::uint32_t host_address(net::NodeId node) {
  const auto n = static_cast<std::uint32_t>(node);
  return ((10u + (n >> 16)) << 24) | ((n & 0xffffu) << 8) | 1u;
}

std::string format_address(std::uint32_t a) {
  std::string text;  // at most 15 characters: no allocation
  for (int shift = 24; shift >= 0; shift -= 8) {
    char digits[3];
    text.append(digits, std::to_chars(digits, digits + 3, a >> shift & 0xffu).ptr);
    if (shift != 0) text += '.';
  }
  return text;
}

std::uint32_t network_of(std::uint32_t address, int bits) {
  if (bits <= 0) return 0;
  return bits >= 32 ? address : address & ~(0xffffffffu >> bits);
}

}  // namespace mailsim::mta
