// The rows `mailsim trace` reads for one message, and the readers that fetch them (the
// printing is in trace.cc).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "record/sqlite.h"

namespace mailsim::record::trace_rows {

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

std::string optional_text(const sql::Statement& s, int col);
// "550 5.1.1 User unknown", or "" when no reply came.
std::string reply_line(std::int64_t code, const std::string& enhanced, const std::string& text);

// The message number `message` names (a number or a Message-ID); throws if none does.
std::int64_t resolve_message(const RunDb& db, const std::string& db_path,
                             const std::string& message);
MessageInfo read_message(const RunDb& db, std::int64_t msg);
// The bounces and warnings sent about `msg`, in order of creation.
std::vector<MessageInfo> read_notices(const RunDb& db, std::int64_t msg);
std::vector<RecipientInfo> read_recipients(const RunDb& db, std::int64_t msg);
std::vector<AttemptInfo> read_attempts(const RunDb& db, std::int64_t msg);
// The turns deferred without connecting, merged into `attempts` in time order.
void add_deferrals(const RunDb& db, std::int64_t msg, std::vector<AttemptInfo>& attempts);
// Queue arrivals in time order, each with the attempts made from that queue and the
// recipients that reached their final state there.
std::vector<HopInfo> read_hops(const RunDb& db, std::int64_t msg, std::vector<AttemptInfo> attempts,
                               const std::vector<RecipientInfo>& recipients);
std::vector<DeliveryInfo> read_deliveries(const RunDb& db, std::int64_t msg);

}  // namespace mailsim::record::trace_rows
