// Generated traffic: sender groups that send as a Poisson process whose rate follows a
// 24-hour profile (run by GroupTraffic, group_traffic.h), and bursts (a mailing list's
// blast at one time). Arrivals are made lazily: each one schedules the next, so a
// million-message run holds one pending event per group, not a million messages (and at
// most a bounded number made ahead). Each group draws from its own named random streams
// ("traffic:<name>:arrivals" and ":content"), so adding a group changes no other group's
// messages, and changing what a group sends (sizes, recipients) does not move its arrivals.
#pragma once

#include <array>
#include <functional>
#include <optional>
#include <string>

#include "mailsim/core/simulator.h"
#include "mailsim/workload/address_set.h"
#include "mailsim/workload/quantity.h"
#include "mailsim/workload/workload.h"

namespace mailsim::workload {

// Relative rates for the 24 hours of the day (UTC of the scenario's epoch); only their
// ratios matter. REQUIRES: all >= 0, one > 0.
using DailyProfile = std::array<double, 24>;
constexpr DailyProfile kFlatProfile = {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
                                       1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1};
// Working hours: quiet at night, peaks 09:00-12:00 and 13:00-17:00, a dip at lunch; the
// multipliers sum to 24 (scenarios/README.md documents them).
constexpr DailyProfile kOfficeProfile = {0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.3, 0.9,
                                         1.6, 2.0, 2.0, 2.0, 1.4, 2.0, 2.0, 2.0,
                                         2.0, 1.2, 0.8, 0.8, 0.6, 0.6, 0.3, 0.3};

// Who receives a group's messages: a population and how a recipient is picked from it.
struct RecipientChoice {
  AddressSet population;
  std::optional<double> zipf_exponent;  // none: uniform; else rank i+1 ~ (i+1)^-s
};

struct SenderGroup {
  std::string name;            // unique among groups and bursts; names its streams and Message-IDs
  std::string origin;          // the MTA its users submit to
  std::string client;          // the client they submit through; "": origin's queue
  AddressSet senders;          // each message's sender, uniformly
  double rate_per_second = 0;  // the mean over a day; > 0
  DailyProfile profile = kFlatProfile;
  RecipientChoice recipients;
  Quantity per_message = Quantity::fixed(1);  // recipients per message
  Quantity size = Quantity::fixed(2048);      // bytes, headers included
  std::string subject;                        // empty: the group's name
  Time start = Time::zero();                  // no arrivals before
  std::optional<Time> end;                    // none after
};

// A mailing list's blast: at `at`, the first `count` addresses of `recipients`, in order,
// `per_message` to a message.
struct Burst {
  std::string name;
  Time at;
  std::string origin;
  std::string client;  // the client it is submitted through; "": origin's queue
  std::string sender;
  AddressSet recipients;
  std::uint64_t count = 0;  // <= recipients.size()
  std::uint64_t per_message = 1;
  Quantity size = Quantity::fixed(2048);
  std::string subject;  // empty: the burst's name
};

// Poisson arrivals with a rate that is constant within each hour of the day: in hour h
// it is mean_rate * profile[h] / mean(profile), so `mean_rate` is the average over a day.
class Arrivals {
 public:
  // `clock_offset`: the time of day (since 00:00 UTC) at simulated time 0.
  Arrivals(double mean_rate_per_second, const DailyProfile& profile, Duration clock_offset);
  // The next arrival after `t`, by inverting the integrated rate: an Exp(1) draw is used
  // up hour by hour (exact for piecewise-constant rates, no thinning needed).
  Time next(Time t, RandomStream& rng) const;
  // The rate in hour h of the day, per second.
  double rate_in_hour(int h) const { return per_ns_[static_cast<std::size_t>(h)] * 1e9; }

 private:
  std::array<double, 24> per_ns_{};
  std::int64_t offset_ns_;
};

// Each generated message with a name unique in the run ("<group>.<n>", n from 1).
using SubmitGenerated = std::function<void(const ExplicitMessage&, const std::string& name)>;

struct StreamKey {
  std::uint64_t seed = 1;
  std::uint64_t run = 0;
};

// Schedules the burst's messages at its time, one event after another.
void schedule_burst(Simulator& sim, const Burst& burst, StreamKey key, SubmitGenerated submit);

// The messages a group sends between `from` and `to` on average (integrated rate).
double expected_messages(const SenderGroup& group, Duration clock_offset, Time from, Time to);

}  // namespace mailsim::workload
