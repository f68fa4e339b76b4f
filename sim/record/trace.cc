#include "mailsim/record/trace.h"

#include <algorithm>
#include <cmath>
#include <iterator>
#include <optional>
#include <string_view>
#include <vector>

#include "mailsim/core/error.h"
#include "mailsim/core/time.h"
#include "mailsim/core/units.h"
#include "record/indexes.h"
#include "record/results_db.h"
#include "record/trace_rows.h"

namespace mailsim::record {
namespace trace_rows {
namespace {

std::string clock(double seconds) {
  return format_clock(Time::from_ns(std::llround(seconds * 1e9)));
}

std::string plural(std::int64_t n, const char* word) {
  return std::to_string(n) + " " + word + (n == 1 ? "" : "s");
}

void print_message(const MessageInfo& m, const std::vector<RecipientInfo>& recipients,
                   std::ostream& out) {
  out << "message " << m.msg;
  if (!m.message_id.empty()) out << "  <" << m.message_id << ">";
  out << "  from " << (m.sender.empty() ? "<>" : m.sender) << "  " << format_size(m.size_bytes);
  if (m.kind != "user") out << " " << m.kind;
  out << ", created " << clock(m.created_s) << " at " << m.origin;
  if (m.about != 0) out << ", about message " << m.about;
  out << "\n";
  for (const RecipientInfo& r : recipients) {
    const std::string last =
        r.last_code ? std::to_string(r.last_code) + " " + r.last_reply : r.last_reply;
    out << "  to " << r.rcpt << ": ";
    if (r.status == "queued") {
      out << "still queued at the end of the run (" << plural(r.attempts, "attempt");
      if (!last.empty()) out << ", last reply " << last;
      out << ")\n";
      continue;
    }
    out << r.status << " at " << (r.final_s ? clock(*r.final_s) : "?") << " on " << r.final_node;
    if (r.status == "delivered") {
      if (r.latency_s)
        out << " (latency " << format_seconds(*r.latency_s) << ", ";
      else
        out << " (";
      out << plural(r.attempts, "attempt") << ")\n";
    } else {
      out << " (" << plural(r.attempts, "attempt") << "): " << last << "\n";
    }
  }
}

void print_attempt(const AttemptInfo& a, int number, bool name_target, std::ostream& out) {
  if (!a.deferral.empty()) {
    out << "  deferred at " << clock(a.started_s) << " without connecting (" << a.deferral << ", "
        << a.to << "): " << a.reply << "\n";
    return;
  }
  out << "  attempt " << number << " at " << clock(a.started_s);
  if (name_target) out << " to " << a.to;
  out << ": " << a.outcome;
  if (!a.reply.empty()) out << "  " << a.reply;
  if (a.bytes > 0) out << "  (" << a.bytes << " bytes)";
  out << "\n";
  const bool mixed = std::any_of(a.recipients.begin(), a.recipients.end(), [&](const auto& r) {
    return r.outcome != a.recipients.front().outcome;
  });
  if (mixed) {
    for (const AttemptRecipientInfo& r : a.recipients) {
      out << "    " << r.rcpt << ": " << r.outcome << "  " << r.reply << "\n";
    }
  }
  for (const Line& l : a.transcript) {
    out << "    " << clock(l.t_s) << " " << l.dir << ": " << l.text << "\n";
  }
}

void print_hop(const HopInfo& hop, int number, std::ostream& out) {
  std::vector<std::string> targets;
  for (const AttemptInfo& a : hop.attempts) {
    if (a.deferral.empty() && std::find(targets.begin(), targets.end(), a.to) == targets.end())
      targets.push_back(a.to);
  }
  out << "hop " << number << ": " << hop.node;
  for (std::size_t i = 0; i < targets.size(); ++i) out << (i == 0 ? " -> " : ", ") << targets[i];
  out << "  (";
  if (hop.queue_id.empty()) {
    out << "at " << hop.node << " from " << clock(hop.arrived_s);
  } else {
    out << "queued at " << hop.node << " as " << hop.queue_id << " at " << clock(hop.arrived_s);
  }
  if (!hop.attempts.empty()) {
    out << ", waited " << format_seconds(hop.attempts.front().started_s - hop.arrived_s);
  }
  out << ")\n";
  int attempt = 0;  // deferred turns are not numbered
  for (std::size_t i = 0; i < hop.attempts.size(); ++i) {
    if (hop.attempts[i].deferral.empty()) ++attempt;
    print_attempt(hop.attempts[i], attempt, targets.size() > 1, out);
    if (i + 1 < hop.attempts.size()) {
      out << "    (retry after "
          << format_seconds(hop.attempts[i + 1].started_s - hop.attempts[i].ended_s) << ")\n";
    }
  }
  for (const RecipientInfo* r : hop.finals) {
    if (r->status == "delivered") {
      out << "  delivered to the mailbox of " << r->rcpt << " at " << clock(*r->final_s) << "\n";
    } else {
      out << "  " << r->rcpt << " " << r->status << " at " << clock(*r->final_s) << ": "
          << r->last_code << " " << r->last_reply << "\n";
    }
  }
}

// The header block only, each line indented; the message's body is not recorded anyway.
void print_headers(const std::string& headers, std::ostream& out) {
  std::size_t pos = 0;
  while (pos < headers.size()) {
    std::size_t end = headers.find('\n', pos);
    if (end == std::string::npos) end = headers.size();
    std::string_view line(headers.data() + pos, end - pos);
    if (line.ends_with('\r')) line.remove_suffix(1);
    if (line.empty()) break;
    out << "  " << line << "\n";
    pos = end + 1;
  }
}

std::string record_level(const RunDb& db) {
  sql::Statement s = db.prepare("SELECT record_level FROM run WHERE run_id = ?");
  return s.step() ? optional_text(s, 0) : std::string();
}

void print_trace_from(const RunDb& db, const std::string& db_path, const std::string& message,
                      std::ostream& out) {
  const std::int64_t msg = resolve_message(db, db_path, message);
  const std::vector<RecipientInfo> recipients = read_recipients(db, msg);
  print_message(read_message(db, msg), recipients, out);
  out << "\n";
  const std::string level = record_level(db);
  if (level == "summary") {
    out << "(hops and attempts not recorded; run with --record attempts or --record full)\n";
    return;
  }
  if (level != "full") out << "(dialogue not recorded; run with --record full)\n\n";
  std::vector<AttemptInfo> attempts = read_attempts(db, msg);
  add_deferrals(db, msg, attempts);
  const std::vector<HopInfo> hops = read_hops(db, msg, std::move(attempts), recipients);
  for (std::size_t i = 0; i < hops.size(); ++i) {
    if (i > 0) out << "\n";
    print_hop(hops[i], static_cast<int>(i + 1), out);
  }
  for (const DeliveryInfo& d : read_deliveries(db, msg)) {
    out << "\ndelivered copy on " << d.node << " (" << d.rcpt << "):\n";
    if (d.headers.empty()) {
      out << "  (header block not recorded; run with --record full)\n";
    } else {
      print_headers(d.headers, out);
    }
  }
  for (const MessageInfo& notice : read_notices(db, msg)) {
    out << "\n"
        << notice.kind << " sent about it: message " << notice.msg << " from " << notice.origin
        << " at " << clock(notice.created_s) << "\n";
  }
}

}  // namespace
}  // namespace trace_rows

void print_trace(const std::string& db_path, const std::string& message, std::ostream& out,
                 std::int64_t run_id, std::ostream* notes) {
  read_indexed(db_path, notes, [&](sql::Database db) {
    const std::vector<std::int64_t> runs = run_ids(db);
    if (run_id == 0 && runs.size() > 1) {
      throw InputError("this results database holds " + std::to_string(runs.size()) + " runs",
                       "say which with --run N (run_id " + std::to_string(runs.front()) + " to " +
                           std::to_string(runs.back()) + ")",
                       SourceLocation{db_path, 0, 0, ""});
    }
    if (run_id == 0 && !runs.empty()) run_id = runs.front();
    if (std::find(runs.begin(), runs.end(), run_id) == runs.end()) no_such_run(db_path, run_id);
    trace_rows::print_trace_from(trace_rows::RunDb{db, run_id}, db_path, message, out);
  });
}

}  // namespace mailsim::record
