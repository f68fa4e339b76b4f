// The summary of a finished (or killed) run, read from its results database: how many
// recipients ended in each state, delivery latency percentiles and attempts.
#pragma once

#include <cstdint>
#include <ostream>
#include <string>

namespace mailsim::record {

struct Summary {
  std::string scenario;
  std::string status;  // running, completed, failed
  std::uint64_t seed = 0;
  double sim_end_s = 0;  // 0 while the run is not completed
  std::int64_t messages = 0;
  std::int64_t recipients = 0;
  std::int64_t delivered = 0;
  std::int64_t bounced = 0;
  std::int64_t expired = 0;
  std::int64_t queued = 0;
  // Over delivered recipients, nearest-rank; 0 when none was delivered.
  double latency_p50_s = 0;
  double latency_p90_s = 0;
  double latency_max_s = 0;
  // Delivery attempts summed over recipients (an attempt carrying 3 recipients counts 3).
  std::int64_t attempts = 0;
  double attempts_per_recipient = 0;
};

// Throws InputError when `db_path` is missing or not a mailsim results database.
Summary read_summary(const std::string& db_path);

// A short table for people; durations rounded to milliseconds so the text is stable.
void print_summary(const Summary& summary, std::ostream& out);

}  // namespace mailsim::record
