// The simulated IPv4 address of a network host, which hosts do not otherwise have: the
// one a Received: field shows and the one greylisting and connection limits key on.
// Host number n (its place under hosts:, from 0) has 10+(n >> 16) . (n >> 8 & 255) .
// (n & 255) . 1, so that every host sits in a /24 of its own, as separate sites do: hosts
// 0, 1 and 256 are 10.0.0.1, 10.0.1.1 and 10.1.0.1. Stable for a scenario: adding a host
// at the end changes no other host's address.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "mailsim/net/topology.h"

namespace mailsim::mta {

std::uint32_t host_address(net::NodeId node);
std::string format_address(std::uint32_t address);  // dotted quad
// The address with all but the first `bits` bits cleared (REQUIRES: 0 <= bits <= 32).
std::uint32_t network_of(std::uint32_t address, int bits);

// Hashes addresses and networks for a flat table, which picks a slot by the hash's low
// bits: std::hash (the number itself) would put every host (last byte 1) or /24 network
// (last byte 0) in the same few slots.
struct AddressHash {
  std::size_t operator()(std::uint32_t address) const {
    return static_cast<std::size_t>((address * 0x9e3779b97f4a7c15u) >> 32);
  }
};

}  // namespace mailsim::mta
