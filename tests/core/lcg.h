// A 64-bit linear congruential generator: the engine tests' own randomness, independent of
// the code under test (and of the project's RandomStream).
#pragma once

#include <cstdint>

namespace mailsim::testing {

struct Lcg {
  std::uint64_t x;
  // A number in [0, n).
  std::uint64_t next(std::uint64_t n) {
    x = x * 6364136223846793005ULL + 1442695040888963407ULL;
    return (x >> 33) % n;
  }
  std::uint64_t operator()(std::uint64_t n) { return next(n); }
};

}  // namespace mailsim::testing
