// The summary's figures that need every message's rows (summary.h): recipients' fates by
// client kind and retry policy, and each node's hop stays. Each comes from one walk over
// the record tables in msg_id order, side by side (ByMessage), through the indexes that
// start with (run_id, msg_id), working out each message's figures from its own rows. The
// schema's views answer the same questions row by row (hop_delay, recipient_retry_policy),
// with a lookup per hop or a sort of every attempt: about 35 s of CPU for a million
// messages, against a few seconds here. Private to the record layer.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mailsim/record/summary.h"
#include "record/sqlite.h"

namespace mailsim::record {

// Recipient figures built one recipient at a time.
class FiguresBuilder {
 public:
  // latency_s: absent when the row has none (only delivered recipients have one).
  void add(std::string_view status, std::optional<double> latency_s, std::int64_t attempts);
  RecipientFigures take();

 private:
  RecipientFigures f_;
  std::vector<double> latencies_;
};

struct RecipientTallies {
  // The run's message rows by kind.
  std::int64_t user_messages = 0;
  std::int64_t bounces = 0;
  std::int64_t warnings = 0;
  // The recipients of user mail: all, by client_kind (when not NULL), and by the retry
  // policy of the MTA answerable for them (the recipient_retry_policy view's choice:
  // of the MTAs whose attempts carried the recipient, the one that made most of them, on
  // a tie the one that tried it last), when it has one.
  FiguresBuilder user;
  std::map<std::string, FiguresBuilder> by_client_kind;
  std::map<std::string, FiguresBuilder> by_retry_policy;
  std::int64_t user_deferrals = 0;  // deferral rows of user mail
};

// `retry_policy_of`: each node's name and retry policy (none for a node without an MTA).
RecipientTallies tally_recipients(sql::Database& db, std::int64_t run,
                                  const std::map<std::string, std::string>& retry_policy_of);

// A node's hop rows, and of those the ones whose stay ended: as the hop_delay view says,
// a stay at node N from arrived_s ends at the earliest time not before arrived_s when the
// message arrived at a node from N (a hop with from_node N) or was delivered at N.
struct NodeStays {
  std::int64_t hops = 0;
  std::int64_t ended = 0;
  // The stays' durations summed in (msg_id, arrived_s, rowid) order: a fixed order, so
  // that the mean does not depend on how a query plan happens to visit the rows.
  double total_s = 0;
};

// By node name.
std::map<std::string, NodeStays> tally_stays(sql::Database& db, std::int64_t run);

}  // namespace mailsim::record
