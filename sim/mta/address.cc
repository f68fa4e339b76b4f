#include "mta/address.h"

namespace mailsim::mta {

std::uint32_t host_address(net::NodeId node) {
  const auto n = static_cast<std::uint32_t>(node);
  return ((10u + (n >> 16)) << 24) | ((n & 0xffffu) << 8) | 1u;
}

std::string format_address(std::uint32_t a) {
  return std::to_string(a >> 24) + "." + std::to_string(a >> 16 & 0xff) + "." +
         std::to_string(a >> 8 & 0xff) + "." + std::to_string(a & 0xff);
}

std::uint32_t network_of(std::uint32_t address, int bits) {
  if (bits <= 0) return 0;
  return bits >= 32 ? address : address & ~(0xffffffffu >> bits);
}

}  // namespace mailsim::mta
