// Parsing of the units a scenario is written in: durations ("30ms", "2h", "5d"),
// data rates ("10Mbps", "1.5Gbit/s") and sizes ("25KiB", "10MB"). Decimal prefixes
// are powers of 1000, binary ones (Ki, Mi, Gi) powers of 1024. A value without a unit,
// a negative value or an unknown unit throws InputError naming the accepted units.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "mailsim/core/time.h"

namespace mailsim {

// A link or flow rate in bits per second.
class DataRate {
 public:
  constexpr DataRate() = default;
  static constexpr DataRate bits_per_second(std::int64_t bps) { return DataRate(bps); }
  constexpr std::int64_t bps() const { return bps_; }
  constexpr auto operator<=>(const DataRate&) const = default;
  // Time to put `bytes` on a wire of this rate, rounded up to the next nanosecond.
  // REQUIRES: bps() > 0.
  Duration transmission_time(std::int64_t bytes) const;

 private:
  constexpr explicit DataRate(std::int64_t bps) : bps_(bps) {}
  std::int64_t bps_ = 0;
};

Duration parse_duration(std::string_view text);
DataRate parse_data_rate(std::string_view text);
// Returns a byte count.
std::int64_t parse_size(std::string_view text);

// "10Mbps", "1.5Gbps", "56kbps": the shortest exact spelling parse_data_rate reads back.
std::string to_string(DataRate r);
// "25KiB", "1500B", "10MB" (exact spelling, binary prefixes preferred when exact).
std::string format_size(std::int64_t bytes);

}  // namespace mailsim
