#include "mailsim/core/units.h"

#include <cctype>
#include <cstdint>
#include <string>

#include "mailsim/core/error.h"

namespace mailsim {

namespace {

__extension__ using Wide = __int128;  // exact products of value and unit scale

struct Unit {
  std::string_view name;
  std::int64_t scale;  // in the base unit (ns, bit/s, byte)
};

constexpr Unit kDurationUnits[] = {
    {"ns", 1},
    {"us", 1'000},
    {"µs", 1'000},
    {"ms", 1'000'000},
    {"s", 1'000'000'000},
    {"m", 60'000'000'000},
    {"min", 60'000'000'000},
    {"h", 3'600'000'000'000},
    {"d", 86'400'000'000'000},
    {"w", 604'800'000'000'000},
};
constexpr Unit kRateUnits[] = {
    {"bps", 1},
    {"bit/s", 1},
    {"kbps", 1'000},
    {"Kbps", 1'000},
    {"kbit/s", 1'000},
    {"Mbps", 1'000'000},
    {"Mbit/s", 1'000'000},
    {"Gbps", 1'000'000'000},
    {"Gbit/s", 1'000'000'000},
    {"Tbps", 1'000'000'000'000},
    {"Tbit/s", 1'000'000'000'000},
};
constexpr Unit kSizeUnits[] = {
    {"B", 1},           {"kB", 1'000},          {"KB", 1'000},
    {"MB", 1'000'000},  {"GB", 1'000'000'000},  {"KiB", 1'024},
    {"MiB", 1'048'576}, {"GiB", 1'073'741'824},
};

template <std::size_t N>
std::string unit_list(const Unit (&units)[N]) {
  std::string out;
  for (const Unit& u : units) {
    if (!out.empty()) out += ", ";
    out += u.name;
  }
  return out;
}

// A decimal number "12", "1.5", "0.25" as digits/10^decimals. Advances pos.
bool parse_decimal(std::string_view s, std::size_t& pos, Wide& digits, int& decimals) {
  digits = 0;
  decimals = 0;
  const std::size_t start = pos;
  bool seen_point = false;
  while (pos < s.size() && (std::isdigit(static_cast<unsigned char>(s[pos])) || s[pos] == '.')) {
    if (s[pos] == '.') {
      if (seen_point) return false;
      seen_point = true;
    } else {
      if (digits > static_cast<Wide>(INT64_MAX)) return false;
      if (seen_point && ++decimals > 18) return false;  // below a nanosecond, bit or byte
      digits = digits * 10 + (s[pos] - '0');
    }
    ++pos;
  }
  return pos > start && !(pos == start + 1 && seen_point);
}

// Parses "<number><unit>" groups (several when `compound`, as in "1h30m"), summing them in
// the base unit. Throws InputError naming `what` and the accepted units.
template <std::size_t N>
std::int64_t parse_quantity(std::string_view text, const Unit (&units)[N], const char* what,
                            bool compound) {
  const std::string accepted = "write a number followed by one of: " + unit_list(units);
  auto fail = [&](const std::string& problem) -> std::int64_t {
    throw InputError(problem, accepted + " (for example " +
                                  (what == std::string_view("duration")    ? "30ms, 2h, 5d"
                                   : what == std::string_view("data rate") ? "10Mbps"
                                                                           : "25KiB") +
                                  ")");
  };
  std::string_view s = text;
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  if (s.empty()) return fail(std::string("empty ") + what);
  if (s.front() == '-') return fail(std::string(what) + " '" + std::string(text) + "' is negative");
  Wide total = 0;
  std::size_t pos = 0;
  while (pos < s.size()) {
    Wide digits = 0;
    int decimals = 0;
    if (!parse_decimal(s, pos, digits, decimals)) {
      return fail("'" + std::string(text) + "' is not a " + what);
    }
    while (pos < s.size() && s[pos] == ' ') ++pos;
    std::size_t end = pos;
    while (end < s.size() && !std::isdigit(static_cast<unsigned char>(s[end])) && s[end] != ' ')
      ++end;
    const std::string_view name = s.substr(pos, end - pos);
    if (name.empty()) return fail(std::string(what) + " '" + std::string(text) + "' has no unit");
    const Unit* unit = nullptr;
    for (const Unit& u : units) {
      if (u.name == name) unit = &u;
    }
    if (unit == nullptr) {
      return fail("unknown unit '" + std::string(name) + "' in " + what + " '" + std::string(text) +
                  "'");
    }
    Wide scaled = digits * unit->scale;
    Wide divisor = 1;
    for (int i = 0; i < decimals; ++i) divisor *= 10;
    total += (scaled + divisor / 2) / divisor;  // rounds to the nearest base unit
    if (total > INT64_MAX)
      return fail(std::string(what) + " '" + std::string(text) + "' is too large");
    pos = end;
    while (pos < s.size() && s[pos] == ' ') ++pos;
    if (!compound && pos < s.size()) {
      return fail("unexpected '" + std::string(s.substr(pos)) + "' after " + what);
    }
  }
  return static_cast<std::int64_t>(total);
}

}  // namespace

Duration DataRate::transmission_time(std::int64_t bytes) const {
  // Up to 2^30 bytes the product and the rounding fit 64 unsigned bits (8e9 * 2^30 + bps
  // < 2^64): one 64-bit division instead of a call to the 128-bit one, the same quotient.
  if (bytes >= 0 && bytes <= std::int64_t{1} << 30) {
    const std::uint64_t bps = static_cast<std::uint64_t>(bps_);
    const std::uint64_t bits_ns = static_cast<std::uint64_t>(bytes) * 8'000'000'000u;
    return Duration::nanoseconds(static_cast<std::int64_t>((bits_ns + bps - 1) / bps));
  }
  const Wide bits_ns = static_cast<Wide>(bytes) * 8 * 1'000'000'000;
  return Duration::nanoseconds(static_cast<std::int64_t>((bits_ns + bps_ - 1) / bps_));
}

Duration parse_duration(std::string_view text) {
  return Duration::nanoseconds(parse_quantity(text, kDurationUnits, "duration", true));
}

DataRate parse_data_rate(std::string_view text) {
  const std::int64_t bps = parse_quantity(text, kRateUnits, "data rate", false);
  if (bps == 0)
    throw InputError("data rate '" + std::string(text) + "' is zero",
                     "a link needs a positive rate, for example 10Mbps");
  return DataRate::bits_per_second(bps);
}

std::int64_t parse_size(std::string_view text) {
  return parse_quantity(text, kSizeUnits, "size", false);
}

std::string to_string(DataRate r) {
  static constexpr Unit kShown[] = {
      {"Tbps", 1'000'000'000'000}, {"Gbps", 1'000'000'000}, {"Mbps", 1'000'000}, {"kbps", 1'000}};
  for (const Unit& u : kShown) {
    if (r.bps() >= u.scale && r.bps() % (u.scale / 1000) == 0) {
      const std::int64_t whole = r.bps() / u.scale;
      const std::int64_t frac = r.bps() % u.scale / (u.scale / 1000);
      std::string out = std::to_string(whole);
      if (frac != 0) {
        std::string f = std::to_string(frac);
        f.insert(0, 3 - f.size(), '0');
        while (f.back() == '0') f.pop_back();
        out += "." + f;
      }
      return out + std::string(u.name);
    }
  }
  return std::to_string(r.bps()) + "bps";
}

std::string format_size(std::int64_t bytes) {
  static constexpr Unit kShown[] = {{"GiB", 1'073'741'824}, {"MiB", 1'048'576}, {"KiB", 1'024},
                                    {"GB", 1'000'000'000},  {"MB", 1'000'000},  {"kB", 1'000}};
  for (const Unit& u : kShown) {
    if (bytes != 0 && bytes % u.scale == 0)
      return std::to_string(bytes / u.scale) + std::string(u.name);
  }
  return std::to_string(bytes) + "B";
}

}  // namespace mailsim
