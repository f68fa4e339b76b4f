#include "mailsim/core/time.h"

#include <cmath>
#include <cstdio>

namespace mailsim {

Duration Duration::from_seconds(double s) {
  return Duration::nanoseconds(static_cast<std::int64_t>(std::llround(s * 1e9)));
}

std::string to_string(Duration d) {
  std::int64_t ns = d.ns();
  if (ns == 0) return "0s";
  std::string out;
  if (ns < 0) {
    out = "-";
    ns = -ns;
  }
  // Whole units from days down to seconds, then the sub-second rest in the largest exact unit.
  struct Unit {
    std::int64_t ns;
    const char* name;
  };
  static constexpr Unit kUnits[] = {{86'400'000'000'000, "d"},
                                    {3'600'000'000'000, "h"},
                                    {60'000'000'000, "m"},
                                    {1'000'000'000, "s"}};
  for (const Unit& u : kUnits) {
    if (ns >= u.ns) {
      out += std::to_string(ns / u.ns) + u.name;
      ns %= u.ns;
    }
  }
  if (ns == 0) return out;
  if (ns % 1'000'000 == 0) return out + std::to_string(ns / 1'000'000) + "ms";
  if (ns % 1'000 == 0) return out + std::to_string(ns / 1'000) + "us";
  return out + std::to_string(ns) + "ns";
}

std::string format_clock(Time t) {
  std::int64_t ns = t.ns();
  const char* sign = ns < 0 ? "-" : "";
  if (ns < 0) ns = -ns;
  const std::int64_t ms = (ns + 500'000) / 1'000'000;  // to the nearest millisecond
  const std::int64_t s = ms / 1000;
  const std::int64_t days = s / 86'400;
  char buf[64];
  if (days > 0) {
    std::snprintf(buf, sizeof buf, "%s%lld+%02lld:%02lld:%02lld.%03lld", sign,
                  static_cast<long long>(days), static_cast<long long>(s % 86'400 / 3600),
                  static_cast<long long>(s % 3600 / 60), static_cast<long long>(s % 60),
                  static_cast<long long>(ms % 1000));
  } else {
    std::snprintf(buf, sizeof buf, "%s%02lld:%02lld:%02lld.%03lld", sign,
                  static_cast<long long>(s / 3600), static_cast<long long>(s % 3600 / 60),
                  static_cast<long long>(s % 60), static_cast<long long>(ms % 1000));
  }
  return buf;
}

}  // namespace mailsim
