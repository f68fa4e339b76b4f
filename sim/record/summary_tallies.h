// The summary's figures that need every message's rows (summary.h): recipients' fates by
// client kind and retry policy, and each node's hop stays and queue peak. Each message's
// figures are worked out from its own rows, by the same functions whether the rows come
// from the results file or from the writer thread as it writes them (LiveSummary). From
// the file, they come from one walk over the record tables in msg_id order, side by side
// (ByMessage), through the indexes that start with (run_id, msg_id). The schema's views
// answer the same questions row by row (hop_delay, recipient_retry_policy), with a lookup
// per hop or a sort of every attempt: about 35 s of CPU for a million messages, against a
// few seconds here. Private to the record layer.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "mailsim/core/flat_hash.h"
#include "mailsim/record/summary.h"
#include "record/exact_sum.h"
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

// A node's hop rows, and of those the ones whose stay ended: as the hop_delay view says,
// a stay at node N from arrived_s ends at the earliest time not before arrived_s when the
// message arrived at a node from N (a hop with from_node N) or was delivered at N.
struct NodeStays {
  std::int64_t hops = 0;
  std::int64_t ended = 0;
  // The stays' durations, summed exactly: the mean does not depend on the order in which
  // the rows are read or written.
  ExactSum total_s;
};

// A node that rows name, and what the tallies keep about it.
struct TalliedNode {
  std::string name;
  std::string retry_policy;  // its node row's; empty without an MTA or a node row
  NodeStays stays;
};

// The nodes that rows name, each kept once: a message's rows point at them, so that the
// end of a stay is found by comparing pointers and each figure is added where it is kept,
// with one hash lookup per row that names a node.
class NodeTable {
 public:
  NodeTable() = default;
  NodeTable(NodeTable&&) = default;  // a deque's elements stay where they are
  NodeTable& operator=(NodeTable&&) = default;
  NodeTable(const NodeTable&) = delete;  // by_name_ points into nodes_
  NodeTable& operator=(const NodeTable&) = delete;

  // The node named so, made when new. The pointer stays valid for the table's life.
  TalliedNode* intern(std::string_view name);
  // Each node's stays, by name, for the nodes with hop rows.
  std::map<std::string, NodeStays> stays() const;

 private:
  std::deque<TalliedNode> nodes_;
  TextMap<TalliedNode*> by_name_;
};

// The attempts of one MTA that carried one recipient of a message.
struct Carrier {
  std::string rcpt;
  const TalliedNode* node = nullptr;
  std::int64_t attempts = 0;
  std::int64_t last_attempt_id = 0;
};

// Merges a message's carriers, one per attempt's recipient as read, into one per (rcpt,
// node), sorted by rcpt. Sorted rather than searched row by row, so that a message to
// many recipients costs n log n, not n squared.
void merge_carriers(std::vector<Carrier>& carriers);

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
  std::map<std::string, FiguresBuilder, std::less<>> by_client_kind;
  std::map<std::string, FiguresBuilder, std::less<>> by_retry_policy;
  std::int64_t user_deferrals = 0;  // deferral rows of user mail

  // Counts a message row of this kind (user, bounce, warning).
  void add_message(std::string_view kind);
  // Adds a recipient of a user message: `by_kind`, its client kind's builder (null when
  // none); `carriers` as merge_carriers() leaves them, with their nodes' retry policies.
  void add_recipient(FiguresBuilder* by_kind, const std::vector<Carrier>& carriers,
                     std::string_view rcpt, std::string_view status,
                     std::optional<double> latency_s, std::int64_t attempts);
};

// Each node's retry policy by name (none for a node without an MTA).
using RetryPolicies = std::map<std::string, std::string>;

RecipientTallies tally_recipients(sql::Database& db, std::int64_t run,
                                  const RetryPolicies& retry_policy_of);

// A message's arrival at a node (a hop row) and its delivery at one (a delivery row).
struct Arrival {
  TalliedNode* node = nullptr;
  const TalliedNode* from_node = nullptr;  // null when the hop has none
  double arrived_s = 0;
};
struct Delivery {
  const TalliedNode* node = nullptr;
  double delivered_s = 0;
};

// Adds the stays of one message, from its hop and delivery rows, to its nodes' stays.
void add_stays(const std::vector<Arrival>& arrivals, const std::vector<Delivery>& deliveries);

// What the node figures read from the hops and queue samples, apart from the node list.
struct NodeTallies {
  std::map<std::string, NodeStays> stays;                         // by node name
  std::vector<std::pair<std::string, std::int64_t>> peak_queues;  // by node name, in order
};

NodeTallies tally_nodes(sql::Database& db, std::int64_t run);

// The figures of summary.h that take every message's rows.
struct SummaryTallies {
  RecipientTallies recipients;
  NodeTallies nodes;
};

// Run `run`'s summary from the results file at `db_path`, read-only: its run and node
// rows read there, and the figures from `tallies` (made as the file was written) rather
// than read. Throws InputError as read_summary() does.
Summary summary_with_tallies(const std::string& db_path, std::int64_t run, SummaryTallies tallies);

}  // namespace mailsim::record
