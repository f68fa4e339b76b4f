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
  if (ns < 1'000'000'000) {  // under a second: the largest exact unit
    if (ns % 1'000'000 == 0) return out + std::to_string(ns / 1'000'000) + "ms";
    if (ns % 1'000 == 0) return out + std::to_string(ns / 1'000) + "us";
    return out + std::to_string(ns) + "ns";
  }
  // Days, hours and minutes from the first non-zero one to the last, then seconds with a
  // decimal fraction: "5d", "2h30m", "2h0m31.87s".
  const std::int64_t parts[] = {ns / 86'400'000'000'000, ns / 3'600'000'000'000 % 24,
                                ns / 60'000'000'000 % 60};
  static constexpr const char* kNames[] = {"d", "h", "m"};
  ns %= 60'000'000'000;
  int first = 0;
  while (first < 3 && parts[first] == 0) ++first;
  int last = 2;
  while (last >= first && parts[last] == 0 && ns == 0) --last;
  for (int i = first; i <= last; ++i) out += std::to_string(parts[i]) + kNames[i];
  if (ns == 0) return out;
  out += std::to_string(ns / 1'000'000'000);
  if (const std::int64_t fraction = ns % 1'000'000'000; fraction != 0) {
    std::string digits = std::to_string(fraction);
    digits.insert(0, 9 - digits.size(), '0');
    while (digits.back() == '0') digits.pop_back();
    out += "." + digits;
  }
  return out + "s";
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
