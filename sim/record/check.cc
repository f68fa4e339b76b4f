#include "mailsim/record/check.h"

#include "record/results_db.h"

namespace mailsim::record {
namespace {

constexpr std::int64_t kRowsShown = 10;

// Each rule is a query for the rows that break it, as one text column.
struct Rule {
  const char* holds;
  const char* offending_rows;
};

constexpr Rule kRules[] = {
    {"the run ended (status completed or interrupted)",
     "SELECT 'run ' || run_id || ' has status ' || status FROM run"
     " WHERE status NOT IN ('completed', 'interrupted')"},
    {"every user message has recipients",
     "SELECT 'message ' || msg_id FROM message m WHERE kind = 'user'"
     " AND NOT EXISTS (SELECT 1 FROM recipient r WHERE r.msg_id = m.msg_id)"},
    {"every recipient belongs to a recorded message",
     "SELECT 'message ' || msg_id || ' <' || rcpt || '>' FROM recipient r"
     " WHERE NOT EXISTS (SELECT 1 FROM message m WHERE m.msg_id = r.msg_id)"},
    {"a recipient has a final time exactly when it is no longer queued",
     "SELECT 'message ' || msg_id || ' <' || rcpt || '> ' || status || ' final_s '"
     " || ifnull(final_s, 'NULL') FROM recipient WHERE (status = 'queued') <> (final_s IS NULL)"},
    {"a delivered recipient has its node, time and latency (delivered_s - created_s)",
     "SELECT 'message ' || r.msg_id || ' <' || r.rcpt || '> delivered_s '"
     " || ifnull(r.delivered_s, 'NULL') || ' latency_s ' || ifnull(r.latency_s, 'NULL')"
     " FROM recipient r JOIN message m USING (msg_id) WHERE r.status = 'delivered'"
     " AND (r.final_node IS NULL OR r.delivered_s IS NULL OR r.latency_s IS NULL"
     " OR abs(r.latency_s - (r.delivered_s - m.created_s)) > 1e-6)"},
    {"only delivered recipients have a delivery time",
     "SELECT 'message ' || msg_id || ' <' || rcpt || '> ' || status FROM recipient"
     " WHERE status <> 'delivered' AND (delivered_s IS NOT NULL OR latency_s IS NOT NULL)"},
    {"nothing happens to a message before it was created",
     "SELECT 'message ' || r.msg_id || ' <' || r.rcpt || '> final at ' || r.final_s"
     " || ' s, created at ' || m.created_s || ' s' FROM recipient r JOIN message m USING (msg_id)"
     " WHERE r.final_s < m.created_s"
     " UNION ALL SELECT 'attempt ' || a.attempt_id || ' started at ' || a.started_s"
     " || ' s, message ' || a.msg_id || ' created at ' || m.created_s || ' s'"
     " FROM attempt a JOIN message m USING (msg_id) WHERE a.started_s < m.created_s"
     " UNION ALL SELECT 'message ' || h.msg_id || ' reached ' || h.node || ' at '"
     " || h.arrived_s || ' s, created at ' || m.created_s || ' s'"
     " FROM hop h JOIN message m USING (msg_id) WHERE h.arrived_s < m.created_s"},
    {"an attempt ends no earlier than it starts",
     "SELECT 'attempt ' || attempt_id || ': ' || started_s || ' s to ' || ended_s || ' s'"
     " FROM attempt WHERE ended_s < started_s"},
    {"nothing is recorded after the end of the run",
     "SELECT 'message ' || r.msg_id || ' <' || r.rcpt || '> final at ' || r.final_s || ' s'"
     " FROM recipient r, run WHERE run.sim_end_s IS NOT NULL AND r.final_s > run.sim_end_s"
     " UNION ALL SELECT 'attempt ' || a.attempt_id || ' ended at ' || a.ended_s || ' s'"
     " FROM attempt a, run WHERE run.sim_end_s IS NOT NULL AND a.ended_s > run.sim_end_s"},
    {"attempts refer to recorded messages and nodes",
     "SELECT 'attempt ' || attempt_id || ' (message ' || msg_id || ', ' || from_node || ' -> '"
     " || ifnull(to_node, '?') || ')' FROM attempt a"
     " WHERE NOT EXISTS (SELECT 1 FROM message m WHERE m.msg_id = a.msg_id)"
     " OR NOT EXISTS (SELECT 1 FROM node n WHERE n.name = a.from_node)"
     " OR (a.to_node IS NOT NULL AND NOT EXISTS (SELECT 1 FROM node n WHERE n.name = a.to_node))"},
    {"hops are at recorded nodes",
     "SELECT 'message ' || msg_id || ' at ' || node FROM hop h"
     " WHERE NOT EXISTS (SELECT 1 FROM node n WHERE n.name = h.node)"},
    {"an attempt's recipients are recipients of its message",
     "SELECT 'attempt ' || ar.attempt_id || ' <' || ar.rcpt || '>' FROM attempt_recipient ar"
     " JOIN attempt a USING (attempt_id) WHERE NOT EXISTS (SELECT 1 FROM recipient r"
     " WHERE r.msg_id = a.msg_id AND r.rcpt = ar.rcpt)"},
    {"a recipient's attempt count is the number of attempts that carried it",
     "SELECT 'message ' || r.msg_id || ' <' || r.rcpt || '> attempts ' || r.attempts"
     " || ', recorded ' || (SELECT count(*) FROM attempt_recipient ar JOIN attempt a"
     " USING (attempt_id) WHERE a.msg_id = r.msg_id AND ar.rcpt = r.rcpt)"
     " FROM recipient r, run WHERE run.record_level <> 'summary' AND r.attempts <>"
     " (SELECT count(*) FROM attempt_recipient ar JOIN attempt a USING (attempt_id)"
     " WHERE a.msg_id = r.msg_id AND ar.rcpt = r.rcpt)"},
};

}  // namespace

std::vector<Violation> check_results(const std::string& path) {
  return read_results(path, [](sql::Database db) {
    std::vector<Violation> violations;
    for (const Rule& rule : kRules) {
      Violation v{rule.holds, 0, {}};
      sql::Statement rows = db.prepare(rule.offending_rows);
      while (rows.step()) {
        if (v.count++ < kRowsShown) v.rows.push_back(rows.column_text(0));
      }
      if (v.count > 0) violations.push_back(std::move(v));
    }
    return violations;
  });
}

void print_violations(std::ostream& out, const std::vector<Violation>& violations) {
  for (const Violation& v : violations) {
    out << "violated: " << v.rule << " (" << v.count << (v.count == 1 ? " row" : " rows") << ")\n";
    for (const std::string& row : v.rows) out << "  " << row << '\n';
    if (v.count > static_cast<std::int64_t>(v.rows.size())) {
      out << "  ... and " << v.count - static_cast<std::int64_t>(v.rows.size()) << " more\n";
    }
  }
}

}  // namespace mailsim::record
