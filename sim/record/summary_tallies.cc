#include "record/summary_tallies.h"

#include <algorithm>
#include <functional>
#include <utility>

#include "record/by_message.h"
#include "record/results_db.h"

namespace mailsim::record {
namespace {

// Nearest-rank percentile: the value at rank ceil(p/100 * n), 1-based, of the values in
// ascending order. Reorders `values` only as far as std::nth_element does: a few
// percentiles of a million values cost a few linear passes rather than a sort.
double nearest_rank(std::vector<double>& values, int percent) {
  if (values.empty()) return 0;
  const std::size_t n = values.size();
  std::size_t rank = (static_cast<std::size_t>(percent) * n + 99) / 100;
  if (rank < 1) rank = 1;
  const auto at = values.begin() + static_cast<std::ptrdiff_t>(rank - 1);
  std::nth_element(values.begin(), at, values.end());
  return *at;
}

std::optional<double> optional_double(const sql::Statement& row, int col) {
  if (row.is_null(col)) return std::nullopt;
  return row.column_double(col);
}

// Reads a message's attempt rows (msg_id, rcpt, from_node, attempt_id) into `carriers`,
// one per (rcpt, node) in that order.
void read_carriers(ByMessage& attempts, std::int64_t msg, NodeTable& nodes,
                   std::vector<Carrier>& carriers) {
  carriers.clear();
  attempts.each(msg, [&](const sql::Statement& row) {
    carriers.push_back(Carrier{.rcpt = row.column_text(1),
                               .node = nodes.intern(row.column_text(2)),
                               .attempts = 1,
                               .last_attempt_id = row.column_int(3)});
  });
  merge_carriers(carriers);
}

// The carrier answerable for `rcpt`: most attempts, then the latest; null when none.
// `carriers` as read_carriers() leaves them.
const Carrier* answerable(const std::vector<Carrier>& carriers, std::string_view rcpt) {
  const Carrier* best = nullptr;
  auto it = std::lower_bound(carriers.begin(), carriers.end(), rcpt,
                             [](const Carrier& c, std::string_view r) { return c.rcpt < r; });
  for (; it != carriers.end() && it->rcpt == rcpt; ++it) {
    const Carrier& c = *it;
    if (best == nullptr || c.attempts > best->attempts ||
        (c.attempts == best->attempts && c.last_attempt_id > best->last_attempt_id)) {
      best = &c;
    }
  }
  return best;
}

}  // namespace

TalliedNode* NodeTable::intern(std::string_view name) {
  const auto it = by_name_.find(name);
  if (it != by_name_.end()) return it->second;
  TalliedNode* node = &nodes_.emplace_back(TalliedNode{.name = std::string(name)});
  by_name_.emplace(node->name, node);
  return node;
}

std::map<std::string, NodeStays> NodeTable::stays() const {
  std::map<std::string, NodeStays> stays;
  for (const TalliedNode& n : nodes_) {
    if (n.stays.hops > 0) stays.emplace(n.name, n.stays);
  }
  return stays;
}

void merge_carriers(std::vector<Carrier>& carriers) {
  std::sort(carriers.begin(), carriers.end(), [](const Carrier& a, const Carrier& b) {
    return a.rcpt != b.rcpt ? a.rcpt < b.rcpt : std::less<>()(a.node, b.node);
  });
  std::size_t kept = 0;  // carriers[kept] is the last one kept; equal ones merge into it
  for (std::size_t i = 1; i < carriers.size(); ++i) {
    Carrier& into = carriers[kept];
    if (carriers[i].rcpt == into.rcpt && carriers[i].node == into.node) {
      into.attempts += carriers[i].attempts;
      into.last_attempt_id = std::max(into.last_attempt_id, carriers[i].last_attempt_id);
    } else if (++kept != i) {
      carriers[kept] = std::move(carriers[i]);
    }
  }
  if (!carriers.empty()) carriers.resize(kept + 1);
}

void FiguresBuilder::add(std::string_view status, std::optional<double> latency_s,
                         std::int64_t attempts) {
  ++f_.count;
  if (status == "delivered") {
    ++f_.delivered;
    if (latency_s) latencies_.push_back(*latency_s);
  } else if (status == "bounced") {
    ++f_.bounced;
  } else if (status == "expired") {
    ++f_.expired;
  } else if (status == "queued") {
    ++f_.queued;
  }
  f_.attempts += attempts;
}

RecipientFigures FiguresBuilder::take() {
  f_.latency_p50_s = nearest_rank(latencies_, 50);
  f_.latency_p90_s = nearest_rank(latencies_, 90);
  f_.latency_p99_s = nearest_rank(latencies_, 99);
  f_.latency_max_s = nearest_rank(latencies_, 100);
  if (f_.count > 0) {
    f_.attempts_per_recipient = static_cast<double>(f_.attempts) / static_cast<double>(f_.count);
  }
  return f_;
}

void RecipientTallies::add_message(std::string_view kind) {
  if (kind == "user") ++user_messages;
  if (kind == "bounce") ++bounces;
  if (kind == "warning") ++warnings;
}

void RecipientTallies::add_recipient(FiguresBuilder* by_kind, const std::vector<Carrier>& carriers,
                                     std::string_view rcpt, std::string_view status,
                                     std::optional<double> latency_s, std::int64_t attempts) {
  user.add(status, latency_s, attempts);
  if (by_kind != nullptr) by_kind->add(status, latency_s, attempts);
  const Carrier* c = answerable(carriers, rcpt);
  if (c == nullptr || c->node->retry_policy.empty()) return;
  const std::string& policy = c->node->retry_policy;
  auto it = by_retry_policy.find(policy);
  if (it == by_retry_policy.end()) it = by_retry_policy.emplace(policy, FiguresBuilder{}).first;
  it->second.add(status, latency_s, attempts);
}

RecipientTallies tally_recipients(sql::Database& db, std::int64_t run,
                                  const RetryPolicies& retry_policy_of) {
  RecipientTallies t;
  sql::Statement messages = of_run(
      db, "SELECT msg_id, kind, client_kind FROM message WHERE run_id = ? ORDER BY msg_id", run);
  ByMessage recipients(of_run(db,
                              "SELECT msg_id, rcpt, status, latency_s, attempts FROM recipient"
                              " WHERE run_id = ? ORDER BY msg_id",
                              run));
  ByMessage attempts(of_run(db,
                            "SELECT a.msg_id, ar.rcpt, a.from_node, a.attempt_id FROM attempt a"
                            " JOIN attempt_recipient ar USING (run_id, attempt_id)"
                            " WHERE a.run_id = ? ORDER BY a.msg_id",
                            run));
  ByMessage deferrals(
      of_run(db, "SELECT msg_id FROM deferral WHERE run_id = ? ORDER BY msg_id", run));
  NodeTable nodes;
  for (const auto& [name, policy] : retry_policy_of) nodes.intern(name)->retry_policy = policy;
  std::vector<Carrier> carriers;  // the current message's, reused
  while (messages.step()) {
    const std::int64_t msg = messages.column_int(0);
    const std::string kind = messages.column_text(1);
    t.add_message(kind);
    if (kind != "user") continue;
    FiguresBuilder* by_kind =
        messages.is_null(2) ? nullptr : &t.by_client_kind[messages.column_text(2)];
    read_carriers(attempts, msg, nodes, carriers);
    recipients.each(msg, [&](const sql::Statement& row) {
      t.add_recipient(by_kind, carriers, row.column_text(1), row.column_text(2),
                      optional_double(row, 3), row.column_int(4));
    });
    deferrals.each(msg, [&t](const sql::Statement&) { ++t.user_deferrals; });
  }
  return t;
}

namespace {

// When the stay that began with `a` ended, from the message's arrivals and deliveries.
std::optional<double> stay_end(const Arrival& a, const std::vector<Arrival>& arrivals,
                               const std::vector<Delivery>& deliveries) {
  std::optional<double> end;
  const auto consider = [&](double t) {
    if (t >= a.arrived_s && (!end || t < *end)) end = t;
  };
  for (const Arrival& next : arrivals) {
    if (next.from_node == a.node) consider(next.arrived_s);
  }
  for (const Delivery& d : deliveries) {
    if (d.node == a.node) consider(d.delivered_s);
  }
  return end;
}

}  // namespace

void add_stays(const std::vector<Arrival>& arrivals, const std::vector<Delivery>& deliveries) {
  for (const Arrival& a : arrivals) {
    NodeStays& s = a.node->stays;
    ++s.hops;
    if (const std::optional<double> end = stay_end(a, arrivals, deliveries)) {
      ++s.ended;
      s.total_s.add(*end - a.arrived_s);
    }
  }
}

NodeTallies tally_nodes(sql::Database& db, std::int64_t run) {
  NodeTallies t;
  ByMessage hops(of_run(
      db, "SELECT msg_id, node, from_node, arrived_s FROM hop WHERE run_id = ? ORDER BY msg_id",
      run));
  ByMessage deliveries(of_run(
      db, "SELECT msg_id, node, delivered_s FROM delivery WHERE run_id = ? ORDER BY msg_id", run));
  NodeTable nodes;
  std::vector<Arrival> arrivals;  // the current message's, reused
  std::vector<Delivery> delivered;
  std::int64_t msg = 0;
  while (hops.next(msg)) {
    arrivals.clear();
    hops.each(msg, [&](const sql::Statement& row) {
      arrivals.push_back({nodes.intern(row.column_text(1)),
                          row.is_null(2) ? nullptr : nodes.intern(row.column_text(2)),
                          row.column_double(3)});
    });
    delivered.clear();
    deliveries.each(msg, [&](const sql::Statement& row) {
      delivered.push_back({nodes.intern(row.column_text(1)), row.column_double(2)});
    });
    add_stays(arrivals, delivered);
  }
  t.stays = nodes.stays();
  sql::Statement peaks = of_run(db,
                                "SELECT node, max(incoming + active + deferred) FROM queue_sample"
                                " WHERE run_id = ? GROUP BY node ORDER BY node",
                                run);
  while (peaks.step()) t.peak_queues.emplace_back(peaks.column_text(0), peaks.column_int(1));
  return t;
}

}  // namespace mailsim::record
