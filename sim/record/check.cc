#include "mailsim/record/check.h"

#include "record/indexes.h"
#include "record/results_db.h"

namespace mailsim::record {
namespace {

constexpr std::int64_t kRowsShown = 10;

// Each rule is a query for the rows that break it: the run (NULL when the text names it)
// and the row described. CROSS JOIN fixes SQLite's join order where, without statistics,
// it would scan a whole table for each row (an attempt by its message first, then its
// recipients by attempt).
struct Rule {
  const char* holds;
  const char* offending_rows;
};

constexpr Rule kRules[] = {
    {"the run ended (status completed or interrupted)",
     "SELECT NULL, 'run ' || run_id || ' has status ' || status FROM run"
     " WHERE status NOT IN ('completed', 'interrupted')"},
    {"every user message has recipients",
     "SELECT run_id, 'message ' || msg_id FROM message m WHERE kind = 'user'"
     " AND NOT EXISTS (SELECT 1 FROM recipient r WHERE r.run_id = m.run_id"
     " AND r.msg_id = m.msg_id)"},
    {"every recipient belongs to a recorded message",
     "SELECT run_id, 'message ' || msg_id || ' <' || rcpt || '>' FROM recipient r"
     " WHERE NOT EXISTS (SELECT 1 FROM message m WHERE m.run_id = r.run_id"
     " AND m.msg_id = r.msg_id)"},
    {"a recipient has a final time exactly when it is no longer queued",
     "SELECT run_id, 'message ' || msg_id || ' <' || rcpt || '> ' || status"
     " || ' final_s ' || ifnull(final_s, 'NULL') FROM recipient"
     " WHERE (status = 'queued') <> (final_s IS NULL)"},
    {"a delivered recipient has its node, time and latency (delivered_s - created_s)",
     "SELECT r.run_id, 'message ' || r.msg_id || ' <' || r.rcpt || '> delivered_s '"
     " || ifnull(r.delivered_s, 'NULL') || ' latency_s ' || ifnull(r.latency_s, 'NULL')"
     " FROM recipient r JOIN message m USING (run_id, msg_id) WHERE r.status = 'delivered'"
     " AND (r.final_node IS NULL OR r.delivered_s IS NULL OR r.latency_s IS NULL"
     " OR abs(r.latency_s - (r.delivered_s - m.created_s)) > 1e-6)"},
    {"only delivered recipients have a delivery time",
     "SELECT run_id, 'message ' || msg_id || ' <' || rcpt || '> ' || status"
     " FROM recipient"
     " WHERE status <> 'delivered' AND (delivered_s IS NOT NULL OR latency_s IS NOT NULL)"},
    {"nothing happens to a message before it was created",
     "SELECT r.run_id, 'message ' || r.msg_id || ' <' || r.rcpt || '> final at '"
     " || r.final_s || ' s, created at ' || m.created_s || ' s'"
     " FROM recipient r JOIN message m USING (run_id, msg_id) WHERE r.final_s < m.created_s"
     " UNION ALL SELECT a.run_id, 'attempt ' || a.attempt_id || ' started at '"
     " || a.started_s || ' s, message ' || a.msg_id || ' created at ' || m.created_s || ' s'"
     " FROM attempt a JOIN message m USING (run_id, msg_id) WHERE a.started_s < m.created_s"
     " UNION ALL SELECT h.run_id, 'message ' || h.msg_id || ' reached ' || h.node"
     " || ' at ' || h.arrived_s || ' s, created at ' || m.created_s || ' s'"
     " FROM hop h JOIN message m USING (run_id, msg_id) WHERE h.arrived_s < m.created_s"},
    {"an attempt ends no earlier than it starts",
     "SELECT run_id, 'attempt ' || attempt_id || ': ' || started_s || ' s to '"
     " || ended_s || ' s' FROM attempt WHERE ended_s < started_s"},
    {"nothing is recorded after the end of the run",
     "SELECT r.run_id, 'message ' || r.msg_id || ' <' || r.rcpt || '> final at '"
     " || r.final_s || ' s' FROM recipient r JOIN run USING (run_id)"
     " WHERE run.sim_end_s IS NOT NULL AND r.final_s > run.sim_end_s"
     " UNION ALL SELECT a.run_id, 'attempt ' || a.attempt_id || ' ended at '"
     " || a.ended_s || ' s' FROM attempt a JOIN run USING (run_id)"
     " WHERE run.sim_end_s IS NOT NULL AND a.ended_s > run.sim_end_s"},
    {"attempts refer to recorded messages and nodes",
     "SELECT run_id, 'attempt ' || attempt_id || ' (message ' || msg_id || ', '"
     " || from_node || ' -> ' || ifnull(to_node, '?') || ')' FROM attempt a"
     " WHERE NOT EXISTS (SELECT 1 FROM message m WHERE m.run_id = a.run_id"
     " AND m.msg_id = a.msg_id)"
     " OR NOT EXISTS (SELECT 1 FROM node n WHERE n.run_id = a.run_id AND n.name = a.from_node)"
     " OR (a.to_node IS NOT NULL AND NOT EXISTS (SELECT 1 FROM node n"
     " WHERE n.run_id = a.run_id AND n.name = a.to_node))"},
    {"hops are at recorded nodes",
     "SELECT run_id, 'message ' || msg_id || ' at ' || node FROM hop h"
     " WHERE NOT EXISTS (SELECT 1 FROM node n WHERE n.run_id = h.run_id AND n.name = h.node)"},
    {"an attempt's recipients are recipients of its message",
     "SELECT ar.run_id, 'attempt ' || ar.attempt_id || ' <' || ar.rcpt || '>'"
     " FROM attempt_recipient ar JOIN attempt a USING (run_id, attempt_id)"
     " WHERE NOT EXISTS (SELECT 1 FROM recipient r"
     " WHERE r.run_id = a.run_id AND r.msg_id = a.msg_id AND r.rcpt = ar.rcpt)"},
    {"a deferral is of a recipient of its message, at a recorded node, within the run",
     "SELECT d.run_id, 'message ' || d.msg_id || ' <' || d.rcpt || '> deferred at ' || d.node"
     " || ' at ' || d.t_s || ' s' FROM deferral d JOIN run USING (run_id)"
     " WHERE NOT EXISTS (SELECT 1 FROM recipient r WHERE r.run_id = d.run_id"
     " AND r.msg_id = d.msg_id AND r.rcpt = d.rcpt)"
     " OR NOT EXISTS (SELECT 1 FROM node n WHERE n.run_id = d.run_id AND n.name = d.node)"
     " OR (run.sim_end_s IS NOT NULL AND d.t_s > run.sim_end_s)"
     " OR d.t_s < (SELECT m.created_s FROM message m WHERE m.run_id = d.run_id"
     " AND m.msg_id = d.msg_id)"},
    {"a deferral's kind is one its MTA makes: suspended at postfix, retry_time at exim, "
     "tcpto at qmail, route_disabled at opensmtpd",
     "SELECT d.run_id, 'message ' || d.msg_id || ' <' || d.rcpt || '> ' || d.kind || ' at '"
     " || d.node || ' (' || n.retry_policy || ') at ' || d.t_s || ' s' FROM deferral d"
     " JOIN node n ON n.run_id = d.run_id AND n.name = d.node"
     " WHERE n.retry_policy IS NOT NULL AND d.kind <> 'dns' AND n.retry_policy <>"
     " CASE d.kind WHEN 'suspended' THEN 'postfix' WHEN 'retry_time' THEN 'exim'"
     " WHEN 'tcpto' THEN 'qmail' WHEN 'route_disabled' THEN 'opensmtpd' END"},
    {"a recipient's attempt count is the number of attempts that carried it",
     "SELECT run_id, 'message ' || msg_id || ' <' || rcpt || '> attempts '"
     " || attempts || ', recorded ' || carried FROM (SELECT r.run_id, r.msg_id, r.rcpt,"
     " r.attempts, (SELECT count(*) FROM attempt a CROSS JOIN attempt_recipient ar"
     " USING (run_id, attempt_id) WHERE a.run_id = r.run_id AND a.msg_id = r.msg_id"
     " AND ar.rcpt = r.rcpt) AS carried"
     " FROM recipient r JOIN run USING (run_id) WHERE run.record_level <> 'summary')"
     " WHERE attempts <> carried"},
};

}  // namespace

std::vector<Violation> check_results(const std::string& path, std::ostream* notes) {
  return read_indexed(path, notes, [](sql::Database db) {
    std::vector<Violation> violations;
    const bool many_runs = run_ids(db).size() > 1;
    for (const Rule& rule : kRules) {
      Violation v{rule.holds, 0, {}};
      sql::Statement rows = db.prepare(rule.offending_rows);
      while (rows.step()) {
        if (v.count++ >= kRowsShown) continue;
        const bool name_run = many_runs && !rows.is_null(0);
        v.rows.push_back((name_run ? "run " + rows.column_text(0) + ": " : "") +
                         rows.column_text(1));
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
