#include "mailsim/record/summary.h"

#include <algorithm>
#include <map>
#include <string_view>
#include <vector>

#include "record/indexes.h"
#include "record/results_db.h"

namespace mailsim::record {
namespace {

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

// A statement over one run's rows: every `?` in `sql` is the run's id.
sql::Statement of_run(sql::Database& db, std::string_view sql, std::int64_t run) {
  sql::Statement s = db.prepare(sql);
  const int n = static_cast<int>(std::count(sql.begin(), sql.end(), '?'));
  for (int i = 1; i <= n; ++i) s.bind_int(i, run);
  return s;
}

void read_run(sql::Database& db, Summary& s) {
  sql::Statement run = of_run(db,
                              "SELECT scenario, status, seed, sim_end_s, record_level, point,"
                              " replication, parameters FROM run WHERE run_id = ?",
                              s.run_id);
  if (!run.step()) return;
  s.scenario = run.column_text(0);
  s.status = run.column_text(1);
  s.seed = static_cast<std::uint64_t>(run.column_int(2));
  if (!run.is_null(3)) s.sim_end_s = run.column_double(3);
  s.record_level = run.column_text(4);
  if (!run.is_null(5)) s.point = run.column_int(5);
  s.replication = static_cast<std::uint64_t>(run.column_int(6));
  s.parameters = run.column_text(7);
}

RecipientFigures read_recipients(sql::Database& db, std::int64_t run) {
  FiguresBuilder all;
  sql::Statement rows = of_run(db,
                               "SELECT r.status, r.latency_s, r.attempts FROM recipient r"
                               " JOIN message m USING (run_id, msg_id)"
                               " WHERE r.run_id = ? AND m.kind = 'user'",
                               run);
  while (rows.step()) all.add(rows, 0);
  return all.take();
}

std::vector<NodeSummary> read_nodes(sql::Database& db, std::int64_t run) {
  std::vector<NodeSummary> nodes;
  auto node = [&nodes](const std::string& name) -> NodeSummary& {
    const auto it = std::find_if(nodes.begin(), nodes.end(),
                                 [&](const NodeSummary& n) { return n.name == name; });
    return it != nodes.end() ? *it : nodes.emplace_back(NodeSummary{.name = name});
  };
  sql::Statement listed = of_run(
      db, "SELECT name, kind, retry_policy FROM node WHERE run_id = ? ORDER BY node_id", run);
  while (listed.step()) {
    NodeSummary& n = node(listed.column_text(0));
    n.kind = listed.column_text(1);
    n.retry_policy = listed.column_text(2);
  }
  sql::Statement stays = of_run(db,
                                "SELECT node, count(*), avg(delay_s) FROM hop_delay"
                                " WHERE run_id = ? GROUP BY node ORDER BY node",
                                run);
  while (stays.step()) {
    NodeSummary& n = node(stays.column_text(0));
    n.messages = stays.column_int(1);
    if (!stays.is_null(2)) n.mean_time_s = stays.column_double(2);
  }
  sql::Statement peaks = of_run(db,
                                "SELECT node, max(incoming + active + deferred) FROM queue_sample"
                                " WHERE run_id = ? GROUP BY node ORDER BY node",
                                run);
  while (peaks.step()) node(peaks.column_text(0)).peak_queue = peaks.column_int(1);
  return nodes;
}

std::vector<PolicySummary> read_policies(sql::Database& db, std::int64_t run,
                                         const std::vector<NodeSummary>& nodes) {
  std::vector<PolicySummary> policies;
  std::map<std::string, FiguresBuilder> figures;
  for (const NodeSummary& n : nodes) {
    if (n.retry_policy.empty()) continue;
    auto it = std::find_if(policies.begin(), policies.end(),
                           [&](const PolicySummary& p) { return p.policy == n.retry_policy; });
    if (it == policies.end()) it = policies.insert(it, PolicySummary{.policy = n.retry_policy});
    it->nodes.push_back(n.name);
  }
  sql::Statement rows = of_run(
      db,
      "SELECT p.retry_policy, r.status, r.latency_s, r.attempts FROM recipient_retry_policy p"
      " JOIN recipient r USING (run_id, msg_id, rcpt) JOIN message m USING (run_id, msg_id)"
      " WHERE p.run_id = ? AND p.retry_policy IS NOT NULL AND m.kind = 'user'",
      run);
  while (rows.step()) figures[rows.column_text(0)].add(rows, 1);
  for (PolicySummary& p : policies) p.recipients = figures[p.policy].take();
  return policies;
}

std::vector<ClientKindSummary> read_client_kinds(sql::Database& db, std::int64_t run) {
  std::map<std::string, FiguresBuilder> figures;
  sql::Statement rows =
      of_run(db,
             "SELECT m.client_kind, r.status, r.latency_s, r.attempts FROM recipient r"
             " JOIN message m USING (run_id, msg_id)"
             " WHERE r.run_id = ? AND m.kind = 'user' AND m.client_kind IS NOT NULL",
             run);
  while (rows.step()) figures[rows.column_text(0)].add(rows, 1);
  std::vector<ClientKindSummary> kinds;
  for (auto& [kind, builder] : figures) kinds.push_back({kind, builder.take()});
  return kinds;
}

Summary read_summary_from(sql::Database& db, std::int64_t run) {
  Summary s;
  s.run_id = run;
  read_run(db, s);
  sql::Statement messages = of_run(db,
                                   "SELECT coalesce(sum(kind = 'user'), 0),"
                                   " coalesce(sum(kind = 'bounce'), 0),"
                                   " coalesce(sum(kind = 'warning'), 0) FROM message"
                                   " WHERE run_id = ?",
                                   run);
  messages.step();
  s.messages = messages.column_int(0);
  s.bounces_sent = messages.column_int(1);
  s.warnings_sent = messages.column_int(2);
  s.recipients = read_recipients(db, run);
  sql::Statement deferrals =
      of_run(db,
             "SELECT count(*) FROM deferral d JOIN message m"
             " USING (run_id, msg_id) WHERE d.run_id = ? AND m.kind = 'user'",
             run);
  if (deferrals.step()) s.deferrals = deferrals.column_int(0);
  s.nodes = read_nodes(db, run);
  s.retry_policies = read_policies(db, run, s.nodes);
  s.client_kinds = read_client_kinds(db, run);
  return s;
}

}  // namespace

Summary read_summary(const std::string& db_path, std::int64_t run_id, std::ostream* notes) {
  return read_indexed(db_path, notes, [&](sql::Database db) {
    const std::vector<std::int64_t> runs = run_ids(db);
    if (run_id == 0 && !runs.empty()) run_id = runs.front();
    if (std::find(runs.begin(), runs.end(), run_id) == runs.end()) no_such_run(db_path, run_id);
    return read_summary_from(db, run_id);
  });
}

std::vector<Summary> read_summaries(const std::string& db_path, std::ostream* notes) {
  return read_indexed(db_path, notes, [](sql::Database db) {
    std::vector<Summary> all;
    for (const std::int64_t run : run_ids(db)) all.push_back(read_summary_from(db, run));
    return all;
  });
}

}  // namespace mailsim::record
