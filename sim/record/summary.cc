#include "mailsim/record/summary.h"

#include <algorithm>
#include <functional>  // std::less
#include <future>
#include <map>
#include <optional>
#include <stdexcept>
#include <utility>
#include <vector>

#include "record/indexes.h"
#include "record/results_db.h"
#include "record/summary_tallies.h"

namespace mailsim::record {
namespace {

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

std::vector<NodeSummary> read_nodes(sql::Database& db, std::int64_t run) {
  std::vector<NodeSummary> nodes;
  sql::Statement listed = of_run(
      db, "SELECT name, kind, retry_policy FROM node WHERE run_id = ? ORDER BY node_id", run);
  while (listed.step()) {
    nodes.push_back(NodeSummary{.name = listed.column_text(0),
                                .kind = listed.column_text(1),
                                .retry_policy = listed.column_text(2)});
  }
  return nodes;
}

// Adds the tallies to the listed nodes; a node only they name is added after them.
void add_node_tallies(std::vector<NodeSummary>& nodes, const NodeTallies& t) {
  auto node = [&nodes](const std::string& name) -> NodeSummary& {
    const auto it = std::find_if(nodes.begin(), nodes.end(),
                                 [&](const NodeSummary& n) { return n.name == name; });
    return it != nodes.end() ? *it : nodes.emplace_back(NodeSummary{.name = name});
  };
  for (const auto& [name, stays] : t.stays) {
    NodeSummary& n = node(name);
    n.messages = stays.hops;
    if (stays.ended > 0) n.mean_time_s = stays.total_s.value() / static_cast<double>(stays.ended);
  }
  for (const auto& [name, peak] : t.peak_queues) node(name).peak_queue = peak;
}

// One entry per retry policy of the nodes, in order of their first node.
std::vector<PolicySummary> policies_of(
    const std::vector<NodeSummary>& nodes,
    std::map<std::string, FiguresBuilder, std::less<>>& figures) {
  std::vector<PolicySummary> policies;
  for (const NodeSummary& n : nodes) {
    if (n.retry_policy.empty()) continue;
    auto it = std::find_if(policies.begin(), policies.end(),
                           [&](const PolicySummary& p) { return p.policy == n.retry_policy; });
    if (it == policies.end()) it = policies.insert(it, PolicySummary{.policy = n.retry_policy});
    it->nodes.push_back(n.name);
  }
  for (PolicySummary& p : policies) p.recipients = figures[p.policy].take();
  return policies;
}

// The run's summary without the figures that take every message's rows: its run row and
// node list.
Summary listed(sql::Database& db, std::int64_t run) {
  Summary s;
  s.run_id = run;
  read_run(db, s);
  s.nodes = read_nodes(db, run);
  return s;
}

// Adds those figures, from the tallies, to a summary listed().
void add_tallies(Summary& s, SummaryTallies& t) {
  add_node_tallies(s.nodes, t.nodes);
  RecipientTallies& r = t.recipients;
  s.messages = r.user_messages;
  s.bounces_sent = r.bounces;
  s.warnings_sent = r.warnings;
  s.recipients = r.user.take();
  s.deferrals = r.user_deferrals;
  s.retry_policies = policies_of(s.nodes, r.by_retry_policy);
  for (auto& [kind, builder] : r.by_client_kind) s.client_kinds.push_back({kind, builder.take()});
}

// The node tallies read the hops and the recipient tallies the recipients and attempts:
// each about half of reading a large run (isp-scale at `attempts`: 4.6 s in all). The node
// tallies go on a thread and a read-only connection of their own, unless the file is a
// private temporary copy (open_indexed) or no connection or thread can be had; if they
// fail there, they are read again here, so that this connection's error is the one
// reported. (Each query reads the file as it is when it starts: a run still being written
// is read at several moments.)
SummaryTallies read_tallies(sql::Database& db, std::int64_t run,
                            const RetryPolicies& retry_policy_of) {
  std::future<NodeTallies> node_tallies;
  if (const std::string file = db.file_name(); !file.empty()) {
    try {
      node_tallies =
          std::async(std::launch::async, [own = sql::Database::open_read_only(file),
                                          run]() mutable { return tally_nodes(own, run); });
    } catch (const std::runtime_error&) {  // std::system_error too: read on this one
    }
  }
  SummaryTallies t{.recipients = tally_recipients(db, run, retry_policy_of)};
  std::optional<NodeTallies> nodes;
  if (node_tallies.valid()) {
    try {
      nodes = node_tallies.get();
    } catch (const std::runtime_error&) {
    }
  }
  t.nodes = nodes ? std::move(*nodes) : tally_nodes(db, run);
  return t;
}

Summary read_summary_from(sql::Database& db, std::int64_t run) {
  // Not memory-mapped (PRAGMA mmap_size): that saves about a fifth of this read's CPU at a
  // million messages, but the mapped pages of a 2 GB file then count in the process's peak
  // memory, which `mailsim report` is measured by.
  Summary s = listed(db, run);
  RetryPolicies retry_policy_of;
  for (const NodeSummary& n : s.nodes) retry_policy_of[n.name] = n.retry_policy;
  SummaryTallies t = read_tallies(db, run, retry_policy_of);
  add_tallies(s, t);
  return s;
}

// `run_id`, or the first run when 0, if the database holds it; else InputError.
std::int64_t held_run(sql::Database& db, const std::string& db_path, std::int64_t run_id) {
  const std::vector<std::int64_t> runs = run_ids(db);
  if (run_id == 0 && !runs.empty()) run_id = runs.front();
  if (std::find(runs.begin(), runs.end(), run_id) == runs.end()) no_such_run(db_path, run_id);
  return run_id;
}

}  // namespace

Summary read_summary(const std::string& db_path, std::int64_t run_id, std::ostream* notes) {
  return read_indexed(db_path, notes, [&](sql::Database db) {
    return read_summary_from(db, held_run(db, db_path, run_id));
  });
}

Summary summary_with_tallies(const std::string& db_path, std::int64_t run, SummaryTallies tallies) {
  return read_results(db_path, [&](sql::Database db) {  // two small tables: no index needed
    Summary s = listed(db, held_run(db, db_path, run));
    add_tallies(s, tallies);
    return s;
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
