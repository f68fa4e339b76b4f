#include "record/trace_rows.h"

#include <algorithm>
#include <cmath>
#include <iterator>

#include "mailsim/core/error.h"
#include "record/recipient_tally.h"
#include "record/results_db.h"

namespace mailsim::record::trace_rows {

std::string optional_text(const sql::Statement& s, int col) {
  return s.is_null(col) ? std::string() : s.column_text(col);
}

// "550 5.1.1 User unknown", or "" when no reply came.
std::string reply_line(std::int64_t code, const std::string& enhanced, const std::string& text) {
  const std::string rest = reply_with_enhanced(enhanced, text);
  if (code == 0) return rest;
  return rest.empty() ? std::to_string(code) : std::to_string(code) + " " + rest;
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

}  // namespace mailsim::record::trace_rows
