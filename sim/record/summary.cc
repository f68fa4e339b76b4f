#include "mailsim/record/summary.h"

#include <algorithm>
#include <map>
#include <vector>

#include "record/results_db.h"

namespace mailsim::record {
namespace {

// The schema version that added node.retry_policy and the recipient_retry_policy view.
constexpr std::int64_t kRetryPolicySchema = 2;

// Nearest-rank percentile of sorted values: the value at rank ceil(p/100 * n), 1-based.
double nearest_rank(const std::vector<double>& sorted, int percent) {
  if (sorted.empty()) return 0;
  const std::size_t n = sorted.size();
  std::size_t rank = (static_cast<std::size_t>(percent) * n + 99) / 100;
  if (rank < 1) rank = 1;
  return sorted[rank - 1];
}

// Recipient figures built one recipient row at a time.
class FiguresBuilder {
 public:
  // Reads the status, latency_s and attempts of a recipient row from columns first..+2.
  void add(const sql::Statement& row, int first) {
    const std::string status = row.column_text(first);
    ++f_.count;
    if (status == "delivered") {
      ++f_.delivered;
      if (!row.is_null(first + 1)) latencies_.push_back(row.column_double(first + 1));
    } else if (status == "bounced") {
      ++f_.bounced;
    } else if (status == "expired") {
      ++f_.expired;
    } else if (status == "queued") {
      ++f_.queued;
    }
    f_.attempts += row.column_int(first + 2);
  }

  RecipientFigures take() {
    std::sort(latencies_.begin(), latencies_.end());
    f_.latency_p50_s = nearest_rank(latencies_, 50);
    f_.latency_p90_s = nearest_rank(latencies_, 90);
    f_.latency_p99_s = nearest_rank(latencies_, 99);
    f_.latency_max_s = latencies_.empty() ? 0 : latencies_.back();
    if (f_.count > 0) {
      f_.attempts_per_recipient = static_cast<double>(f_.attempts) / static_cast<double>(f_.count);
    }
    return f_;
  }

 private:
  RecipientFigures f_;
  std::vector<double> latencies_;
};

void read_run(sql::Database& db, Summary& s) {
  sql::Statement run = db.prepare(
      "SELECT scenario, status, seed, sim_end_s, record_level FROM run ORDER BY run_id LIMIT 1");
  if (!run.step()) return;
  s.scenario = run.column_text(0);
  s.status = run.column_text(1);
  s.seed = static_cast<std::uint64_t>(run.column_int(2));
  if (!run.is_null(3)) s.sim_end_s = run.column_double(3);
  s.record_level = run.column_text(4);
}

RecipientFigures read_recipients(sql::Database& db) {
  FiguresBuilder all;
  sql::Statement rows = db.prepare(
      "SELECT r.status, r.latency_s, r.attempts FROM recipient r JOIN message m USING (msg_id)"
      " WHERE m.kind = 'user'");
  while (rows.step()) all.add(rows, 0);
  return all.take();
}

std::vector<NodeSummary> read_nodes(sql::Database& db, bool with_policy) {
  std::vector<NodeSummary> nodes;
  auto node = [&nodes](const std::string& name) -> NodeSummary& {
    const auto it = std::find_if(nodes.begin(), nodes.end(),
                                 [&](const NodeSummary& n) { return n.name == name; });
    return it != nodes.end() ? *it : nodes.emplace_back(NodeSummary{.name = name});
  };
  sql::Statement listed =
      db.prepare(with_policy ? "SELECT name, kind, retry_policy FROM node ORDER BY node_id"
                             : "SELECT name, kind, NULL FROM node ORDER BY node_id");
  while (listed.step()) {
    NodeSummary& n = node(listed.column_text(0));
    n.kind = listed.column_text(1);
    n.retry_policy = listed.column_text(2);
  }
  sql::Statement stays =
      db.prepare("SELECT node, count(*), avg(delay_s) FROM hop_delay GROUP BY node ORDER BY node");
  while (stays.step()) {
    NodeSummary& n = node(stays.column_text(0));
    n.messages = stays.column_int(1);
    if (!stays.is_null(2)) n.mean_time_s = stays.column_double(2);
  }
  sql::Statement peaks = db.prepare(
      "SELECT node, max(incoming + active + deferred) FROM queue_sample GROUP BY node"
      " ORDER BY node");
  while (peaks.step()) node(peaks.column_text(0)).peak_queue = peaks.column_int(1);
  return nodes;
}

std::vector<PolicySummary> read_policies(sql::Database& db, const std::vector<NodeSummary>& nodes) {
  std::vector<PolicySummary> policies;
  std::map<std::string, FiguresBuilder> figures;
  for (const NodeSummary& n : nodes) {
    if (n.retry_policy.empty()) continue;
    auto it = std::find_if(policies.begin(), policies.end(),
                           [&](const PolicySummary& p) { return p.policy == n.retry_policy; });
    if (it == policies.end()) it = policies.insert(it, PolicySummary{.policy = n.retry_policy});
    it->nodes.push_back(n.name);
  }
  sql::Statement rows = db.prepare(
      "SELECT p.retry_policy, r.status, r.latency_s, r.attempts FROM recipient_retry_policy p"
      " JOIN recipient r USING (msg_id, rcpt) JOIN message m USING (msg_id)"
      " WHERE p.retry_policy IS NOT NULL AND m.kind = 'user'");
  while (rows.step()) figures[rows.column_text(0)].add(rows, 1);
  for (PolicySummary& p : policies) p.recipients = figures[p.policy].take();
  return policies;
}

Summary read_summary_from(sql::Database& db) {
  Summary s;
  read_run(db, s);
  sql::Statement messages = db.prepare(
      "SELECT coalesce(sum(kind = 'user'), 0), coalesce(sum(kind = 'bounce'), 0),"
      " coalesce(sum(kind = 'warning'), 0) FROM message");
  messages.step();
  s.messages = messages.column_int(0);
  s.bounces_sent = messages.column_int(1);
  s.warnings_sent = messages.column_int(2);
  s.recipients = read_recipients(db);
  const bool with_policy = schema_version(db) >= kRetryPolicySchema;
  s.nodes = read_nodes(db, with_policy);
  if (with_policy) s.retry_policies = read_policies(db, s.nodes);
  return s;
}

}  // namespace

Summary read_summary(const std::string& db_path) {
  return read_results(db_path, [](sql::Database db) { return read_summary_from(db); });
}

}  // namespace mailsim::record
