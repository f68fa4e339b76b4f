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
#include "record/recipient_tally.h"
#include "record/results_db.h"

namespace mailsim::record {
namespace {

struct MessageInfo {
  std::int64_t msg = 0;
  std::string message_id, sender, origin, kind;
  std::int64_t size_bytes = 0;
  double created_s = 0;
  std::int64_t about = 0;  // the message a bounce or warning reports on; else 0
};

// One run's rows of a database: each statement's first parameter is the run.
struct RunDb {
  sql::Database& db;
  std::int64_t run_id;

  sql::Statement prepare(std::string_view sql) const {
    sql::Statement s = db.prepare(sql);
    bind_run(s);
    return s;
  }
  // Binds the run again after a reset (which clears every binding).
  sql::Statement& bind_run(sql::Statement& s) const { return s.bind_int(1, run_id); }
};

struct RecipientInfo {
  std::string rcpt, status, final_node, last_reply;
  std::optional<double> final_s{}, latency_s{};
  std::int64_t attempts = 0;
  std::int64_t last_code = 0;
};

struct Line {
  double t_s = 0;
  std::string dir, text;
};

struct AttemptRecipientInfo {
  std::string rcpt, outcome, reply;
};

// An SMTP attempt, or (deferral non-empty: its kind) a turn deferred without connecting.
struct AttemptInfo {
  std::int64_t id = 0;
  std::string from, to, outcome, reply;
  double started_s = 0, ended_s = 0;
  std::int64_t bytes = 0;
  std::vector<AttemptRecipientInfo> recipients{};
  std::vector<Line> transcript{};
  std::string deferral{};
};

struct HopInfo {
  std::string node, queue_id;
  double arrived_s = 0;
  std::vector<AttemptInfo> attempts{};
  std::vector<const RecipientInfo*> finals{};
};

struct DeliveryInfo {
  std::string rcpt, node, headers;
};

std::string clock(double seconds) {
  return format_clock(Time::from_ns(std::llround(seconds * 1e9)));
}

std::string optional_text(const sql::Statement& s, int col) {
  return s.is_null(col) ? std::string() : s.column_text(col);
}

// "550 5.1.1 User unknown", or "" when no reply came.
std::string reply_line(std::int64_t code, const std::string& enhanced, const std::string& text) {
  const std::string rest = reply_with_enhanced(enhanced, text);
  if (code == 0) return rest;
  return rest.empty() ? std::to_string(code) : std::to_string(code) + " " + rest;
}

std::string plural(std::int64_t n, const char* word) {
  return std::to_string(n) + " " + word + (n == 1 ? "" : "s");
}

std::int64_t resolve_message(const RunDb& db, const std::string& db_path,
                             const std::string& message) {
  const bool is_number =
      !message.empty() &&
      std::all_of(message.begin(), message.end(), [](char c) { return c >= '0' && c <= '9'; });
  std::optional<std::int64_t> found;
  if (is_number && message.size() < 19) {
    sql::Statement s = db.prepare("SELECT msg_id FROM message WHERE run_id = ? AND msg_id = ?");
    s.bind_int(2, std::stoll(message));
    if (s.step()) found = s.column_int(0);
  } else if (!is_number) {
    std::string_view id = message;
    if (id.starts_with('<') && id.ends_with('>') && id.size() >= 2)
      id = id.substr(1, id.size() - 2);
    sql::Statement s = db.prepare(
        "SELECT msg_id FROM message WHERE run_id = ? AND message_id = ? ORDER BY msg_id LIMIT 1");
    s.bind_text(2, id);
    if (s.step()) found = s.column_int(0);
  }
  if (found) return *found;
  sql::Statement count = db.prepare("SELECT count(*) FROM message WHERE run_id = ?");
  count.step();
  throw InputError(
      "no message '" + message + "' in this run",
      "give a message number (1 to " + std::to_string(count.column_int(0)) + ") or a Message-ID",
      SourceLocation{db_path, 0, 0, ""});
}

MessageInfo read_message(const RunDb& db, std::int64_t msg) {
  sql::Statement s = db.prepare(
      "SELECT message_id, sender, origin, kind, size_bytes, created_s, about_msg_id"
      " FROM message WHERE run_id = ? AND msg_id = ?");
  s.bind_int(2, msg);
  s.step();
  return {msg,
          optional_text(s, 0),
          s.column_text(1),
          s.column_text(2),
          s.column_text(3),
          s.column_int(4),
          s.column_double(5),
          s.is_null(6) ? 0 : s.column_int(6)};
}

// The bounces and warnings sent about `msg`, in order of creation.
std::vector<MessageInfo> read_notices(const RunDb& db, std::int64_t msg) {
  std::vector<MessageInfo> out;
  sql::Statement s = db.prepare(
      "SELECT msg_id FROM message WHERE run_id = ? AND about_msg_id = ? ORDER BY msg_id");
  s.bind_int(2, msg);
  while (s.step()) out.push_back(read_message(db, s.column_int(0)));
  return out;
}

std::vector<RecipientInfo> read_recipients(const RunDb& db, std::int64_t msg) {
  sql::Statement s = db.prepare(
      "SELECT rcpt, status, final_node, final_s, latency_s, attempts, last_code, last_reply"
      " FROM recipient WHERE run_id = ? AND msg_id = ? ORDER BY rowid");
  s.bind_int(2, msg);
  std::vector<RecipientInfo> out;
  while (s.step()) {
    RecipientInfo r{s.column_text(0), s.column_text(1), optional_text(s, 2), optional_text(s, 7)};
    if (!s.is_null(3)) r.final_s = s.column_double(3);
    if (!s.is_null(4)) r.latency_s = s.column_double(4);
    r.attempts = s.column_int(5);
    r.last_code = s.column_int(6);
    out.push_back(std::move(r));
  }
  return out;
}

std::vector<AttemptInfo> read_attempts(const RunDb& db, std::int64_t msg) {
  sql::Statement s = db.prepare(
      "SELECT attempt_id, from_node, to_node, outcome, reply_code, enhanced_code, reply_text,"
      " started_s, ended_s, bytes FROM attempt WHERE run_id = ? AND msg_id = ?"
      " ORDER BY started_s, attempt_id");
  sql::Statement rcpts = db.prepare(
      "SELECT rcpt, outcome, reply_code, enhanced_code, reply_text FROM attempt_recipient"
      " WHERE run_id = ? AND attempt_id = ? ORDER BY rowid");
  sql::Statement lines = db.prepare(
      "SELECT t_s, dir, line FROM transcript WHERE run_id = ? AND attempt_id = ? ORDER BY seq");
  s.bind_int(2, msg);
  std::vector<AttemptInfo> out;
  while (s.step()) {
    AttemptInfo a{s.column_int(0),
                  s.column_text(1),
                  optional_text(s, 2),
                  s.column_text(3),
                  reply_line(s.column_int(4), optional_text(s, 5), optional_text(s, 6)),
                  s.column_double(7),
                  s.column_double(8),
                  s.column_int(9)};
    db.bind_run(rcpts).bind_int(2, a.id);
    while (rcpts.step()) {
      a.recipients.push_back(
          {rcpts.column_text(0), rcpts.column_text(1),
           reply_line(rcpts.column_int(2), optional_text(rcpts, 3), optional_text(rcpts, 4))});
    }
    rcpts.reset();
    db.bind_run(lines).bind_int(2, a.id);
    while (lines.step()) {
      a.transcript.push_back({lines.column_double(0), lines.column_text(1), lines.column_text(2)});
    }
    lines.reset();
    out.push_back(std::move(a));
  }
  return out;
}

// The turns deferred without connecting, one per node, time, next hop and reply (the rows
// are per recipient), merged into `attempts` in time order.
void add_deferrals(const RunDb& db, std::int64_t msg, std::vector<AttemptInfo>& attempts) {
  sql::Statement s = db.prepare(
      "SELECT node, nexthop, t_s, kind, reply_code, enhanced_code, reply_text, rcpt FROM deferral"
      " WHERE run_id = ? AND msg_id = ? ORDER BY t_s, rowid");
  s.bind_int(2, msg);
  std::vector<AttemptInfo> turns;
  while (s.step()) {
    AttemptInfo a{0,
                  s.column_text(0),
                  s.column_text(1),
                  "deferred",
                  reply_line(s.column_int(4), optional_text(s, 5), optional_text(s, 6)),
                  s.column_double(2),
                  s.column_double(2)};
    a.deferral = s.column_text(3);
    if (!turns.empty() && turns.back().from == a.from && turns.back().to == a.to &&
        turns.back().started_s == a.started_s && turns.back().reply == a.reply) {
      turns.back().recipients.push_back({s.column_text(7), a.outcome, a.reply});
      continue;
    }
    a.recipients.push_back({s.column_text(7), a.outcome, a.reply});
    turns.push_back(std::move(a));
  }
  attempts.insert(attempts.end(), std::make_move_iterator(turns.begin()),
                  std::make_move_iterator(turns.end()));
  std::stable_sort(
      attempts.begin(), attempts.end(),
      [](const AttemptInfo& a, const AttemptInfo& b) { return a.started_s < b.started_s; });
}

// Queue arrivals in time order, each with the attempts made from that queue and the
// recipients that reached their final state there.
std::vector<HopInfo> read_hops(const RunDb& db, std::int64_t msg, std::vector<AttemptInfo> attempts,
                               const std::vector<RecipientInfo>& recipients) {
  sql::Statement s = db.prepare(
      "SELECT node, queue_id, arrived_s FROM hop WHERE run_id = ? AND msg_id = ?"
      " ORDER BY arrived_s, rowid");
  s.bind_int(2, msg);
  std::vector<HopInfo> hops;
  while (s.step()) hops.push_back({s.column_text(0), optional_text(s, 1), s.column_double(2)});
  // The latest arrival at `node` no later than `t`; one is made up if none was recorded.
  auto hop_at = [&hops](const std::string& node, double t) -> HopInfo& {
    for (auto it = hops.rbegin(); it != hops.rend(); ++it) {
      if (it->node == node && it->arrived_s <= t) return *it;
    }
    const auto pos =
        std::find_if(hops.begin(), hops.end(), [t](const HopInfo& h) { return h.arrived_s > t; });
    return *hops.insert(pos, HopInfo{node, "", t});
  };
  for (AttemptInfo& a : attempts) {
    const std::string from = a.from;
    const double started = a.started_s;
    hop_at(from, started).attempts.push_back(std::move(a));
  }
  for (const RecipientInfo& r : recipients) {
    if (r.final_s && !r.final_node.empty()) hop_at(r.final_node, *r.final_s).finals.push_back(&r);
  }
  for (HopInfo& hop : hops) {
    std::stable_sort(
        hop.finals.begin(), hop.finals.end(),
        [](const RecipientInfo* a, const RecipientInfo* b) { return *a->final_s < *b->final_s; });
  }
  return hops;
}

std::vector<DeliveryInfo> read_deliveries(const RunDb& db, std::int64_t msg) {
  sql::Statement s = db.prepare(
      "SELECT rcpt, node, headers FROM delivery WHERE run_id = ? AND msg_id = ? ORDER BY rowid");
  s.bind_int(2, msg);
  std::vector<DeliveryInfo> out;
  while (s.step()) out.push_back({s.column_text(0), s.column_text(1), optional_text(s, 2)});
  return out;
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
    print_headers(d.headers, out);
  }
  for (const MessageInfo& notice : read_notices(db, msg)) {
    out << "\n"
        << notice.kind << " sent about it: message " << notice.msg << " from " << notice.origin
        << " at " << clock(notice.created_s) << "\n";
  }
}

}  // namespace

void print_trace(const std::string& db_path, const std::string& message, std::ostream& out,
                 std::int64_t run_id) {
  read_results(db_path, [&](sql::Database db) {
    const std::vector<std::int64_t> runs = run_ids(db);
    if (run_id == 0 && runs.size() > 1) {
      throw InputError("this results database holds " + std::to_string(runs.size()) + " runs",
                       "say which with --run N (run_id " + std::to_string(runs.front()) + " to " +
                           std::to_string(runs.back()) + ")",
                       SourceLocation{db_path, 0, 0, ""});
    }
    if (run_id == 0 && !runs.empty()) run_id = runs.front();
    if (std::find(runs.begin(), runs.end(), run_id) == runs.end()) no_such_run(db_path, run_id);
    print_trace_from(RunDb{db, run_id}, db_path, message, out);
  });
}

}  // namespace mailsim::record
