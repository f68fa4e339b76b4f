#include <algorithm>
#include <cassert>
#include <cmath>

#include "mailsim/workload/traffic.h"

namespace mailsim::workload {

namespace {

constexpr std::int64_t kHourNs = 3'600'000'000'000;
constexpr std::int64_t kDayNs = 24 * kHourNs;
// Arrivals this late (about 146 years) never come.
constexpr std::int64_t kHorizonNs = INT64_MAX / 2;

std::int64_t floor_div(std::int64_t a, std::int64_t b) {
  const std::int64_t q = a / b;
  return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

}  // namespace

Arrivals::Arrivals(double mean_rate_per_second, const DailyProfile& profile, Duration clock_offset)
    : offset_ns_(((clock_offset.ns() % kDayNs) + kDayNs) % kDayNs) {
  double sum = 0;
  for (const double m : profile) {
    assert(m >= 0);
    sum += m;
  }
  assert(sum > 0 && mean_rate_per_second >= 0);
  for (std::size_t h = 0; h < 24; ++h) {
    per_ns_[h] = mean_rate_per_second * 1e-9 * profile[h] * 24.0 / sum;
  }
}

Time Arrivals::next(Time t, RandomStream& rng) const {
  double work = rng.exponential(1.0);  // integrated rate to use up before the arrival
  std::int64_t now = t.ns();
  while (now < kHorizonNs) {
    const std::int64_t hour = floor_div(now + offset_ns_, kHourNs);
    const std::int64_t boundary = (hour + 1) * kHourNs - offset_ns_;
    const double rate = per_ns_[static_cast<std::size_t>(((hour % 24) + 24) % 24)];
    const double available = rate * static_cast<double>(boundary - now);
    if (rate > 0 && work <= available) {
      return Time::from_ns(std::min<std::int64_t>(boundary, now + std::llround(work / rate)));
    }
    work -= available;
    now = boundary;
  }
  return Time::max();
}

double expected_messages(const SenderGroup& group, Duration clock_offset, Time from, Time to) {
  const Arrivals a(group.rate_per_second, group.profile, clock_offset);
  const std::int64_t offset = ((clock_offset.ns() % kDayNs) + kDayNs) % kDayNs;
  from = std::max(from, group.start);
  if (group.end) to = std::min(to, *group.end);
  double total = 0;
  for (std::int64_t now = from.ns(); now < to.ns();) {
    const std::int64_t hour = floor_div(now + offset, kHourNs);
    const std::int64_t boundary = std::min((hour + 1) * kHourNs - offset, to.ns());
    total += a.rate_in_hour(static_cast<int>(((hour % 24) + 24) % 24)) * 1e-9 *
             static_cast<double>(boundary - now);
    now = boundary;
  }
  return total;
}

}  // namespace mailsim::workload
