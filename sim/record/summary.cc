#include "mailsim/record/summary.h"

#include <cstdio>
#include <vector>

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

void read_run(sql::Database& db, Summary& s) {
  sql::Statement run =
      db.prepare("SELECT scenario, status, seed, sim_end_s FROM run ORDER BY run_id LIMIT 1");
  if (!run.step()) return;
  s.scenario = run.column_text(0);
  s.status = run.column_text(1);
  s.seed = static_cast<std::uint64_t>(run.column_int(2));
  s.sim_end_s = run.is_null(3) ? 0 : run.column_double(3);
}

void read_recipients(sql::Database& db, Summary& s) {
  sql::Statement counts = db.prepare(
      "SELECT count(*), coalesce(sum(status = 'delivered'), 0),"
      " coalesce(sum(status = 'bounced'), 0), coalesce(sum(status = 'expired'), 0),"
      " coalesce(sum(status = 'queued'), 0), coalesce(sum(attempts), 0) FROM recipient");
  counts.step();
  s.recipients = counts.column_int(0);
  s.delivered = counts.column_int(1);
  s.bounced = counts.column_int(2);
  s.expired = counts.column_int(3);
  s.queued = counts.column_int(4);
  s.attempts = counts.column_int(5);
  if (s.recipients > 0) {
    s.attempts_per_recipient = static_cast<double>(s.attempts) / static_cast<double>(s.recipients);
  }

  std::vector<double> latencies;
  sql::Statement lat = db.prepare(
      "SELECT latency_s FROM recipient WHERE status = 'delivered' AND latency_s IS NOT NULL"
      " ORDER BY latency_s");
  while (lat.step()) latencies.push_back(lat.column_double(0));
  s.latency_p50_s = nearest_rank(latencies, 50);
  s.latency_p90_s = nearest_rank(latencies, 90);
  s.latency_max_s = latencies.empty() ? 0 : latencies.back();
}

Summary read_summary_from(sql::Database& db) {
  Summary s;
  read_run(db, s);
  sql::Statement messages = db.prepare("SELECT count(*) FROM message");
  messages.step();
  s.messages = messages.column_int(0);
  read_recipients(db, s);
  return s;
}

}  // namespace

Summary read_summary(const std::string& db_path) {
  return read_results(db_path, [](sql::Database db) { return read_summary_from(db); });
}

void print_summary(const Summary& s, std::ostream& out) {
  out << "scenario    " << s.scenario << " (seed " << s.seed << ")";
  if (s.status == "completed") {
    out << ", simulated " << format_seconds(s.sim_end_s) << "\n";
  } else {
    out << ", run " << s.status << ": results are incomplete\n";
  }
  out << "messages    " << s.messages << "\n";
  out << "recipients  " << s.recipients << ": delivered " << s.delivered << ", bounced "
      << s.bounced << ", expired " << s.expired << ", still queued " << s.queued << "\n";
  if (s.delivered > 0) {
    out << "latency     p50 " << format_seconds(s.latency_p50_s) << "  p90 "
        << format_seconds(s.latency_p90_s) << "  max " << format_seconds(s.latency_max_s) << "\n";
  } else {
    out << "latency     (nothing delivered)\n";
  }
  char per[32];
  std::snprintf(per, sizeof per, "%.2f", s.attempts_per_recipient);
  out << "attempts    " << s.attempts << " (" << per << " per recipient)\n";
}

}  // namespace mailsim::record
