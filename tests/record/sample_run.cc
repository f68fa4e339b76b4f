#include "sample_run.h"

#include <sqlite3.h>
#include <unistd.h>

#include <atomic>
#include <cmath>
#include <filesystem>
#include <sstream>
#include <stdexcept>
#include <vector>

#include "mailsim/record/recorder.h"
#include "mailsim/record/summary.h"
#include "support/catch.h"

namespace mailsim::record::test {
namespace {

std::atomic<int> counter{0};

// Runs `sql` and hands the first row's first column to `read`.
template <class Read>
void query(const std::string& db_path, const std::string& sql, Read read) {
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(db_path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    sqlite3_close(db);
    throw std::runtime_error("cannot open " + db_path);
  }
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr) != SQLITE_OK) {
    const std::string message = sqlite3_errmsg(db);
    sqlite3_close(db);
    throw std::runtime_error(message + " in " + sql);
  }
  if (sqlite3_step(stmt) == SQLITE_ROW) read(stmt);
  sqlite3_finalize(stmt);
  sqlite3_close(db);
}

}  // namespace

TempDb::TempDb() {
  const auto name = "mailsim-record-" + std::to_string(::getpid()) + "-" +
                    std::to_string(counter.fetch_add(1)) + ".db";
  path_ = (std::filesystem::temp_directory_path() / name).string();
}

TempDb::~TempDb() {
  std::error_code ignored;
  for (const char* suffix : {"", "-journal", "-wal", "-shm"}) {
    std::filesystem::remove(path_ + suffix, ignored);
  }
}

std::string query_text(const std::string& db_path, const std::string& sql) {
  std::string out;
  query(db_path, sql, [&](sqlite3_stmt* s) {
    if (const unsigned char* t = sqlite3_column_text(s, 0)) out = reinterpret_cast<const char*>(t);
  });
  return out;
}

std::int64_t query_int(const std::string& db_path, const std::string& sql) {
  std::int64_t out = -1;
  query(db_path, sql, [&](sqlite3_stmt* s) { out = sqlite3_column_int64(s, 0); });
  return out;
}

double query_double(const std::string& db_path, const std::string& sql) {
  double out = -1;
  query(db_path, sql, [&](sqlite3_stmt* s) { out = sqlite3_column_double(s, 0); });
  return out;
}

Time at_seconds(double s) { return Time::from_ns(std::llround(s * 1e9)); }

mta::AttemptFinished make_attempt(mta::MessageNumber msg, std::string from, std::string to,
                                  double started_s, double ended_s, mta::AttemptOutcome outcome,
                                  int code, std::string enhanced, std::string text) {
  mta::AttemptFinished a;
  a.msg = msg;
  a.from_node = std::move(from);
  a.to_node = std::move(to);
  a.started = at_seconds(started_s);
  a.ended = at_seconds(ended_s);
  a.outcome = outcome;
  a.code = code;
  a.enhanced = std::move(enhanced);
  a.text = std::move(text);
  return a;
}

void emit_sample_run(mta::MailEvents& events) {
  using mta::AttemptOutcome;
  using mta::RecipientOutcome;
  events.message_created({1,
                          "1.a@a.example",
                          "carol@a.example",
                          {"bob@b.example", "eve@b.example"},
                          25600,
                          "a",
                          at_seconds(10),
                          mta::MessageKind::kUser});
  events.message_queued({1, "a", "Q1", "", at_seconds(10)});

  mta::AttemptFinished timeout =
      make_attempt(1, "a", "b", 10, 40, AttemptOutcome::kConnTimeout, 451, "4.4.1",
                   "connect to b:25: Connection timed out");
  for (const char* rcpt : {"bob@b.example", "eve@b.example"}) {
    timeout.recipients.push_back(
        {rcpt, RecipientOutcome::kDeferred, 451, "4.4.1", "connect to b:25: Connection timed out"});
  }
  events.attempt_finished(timeout);

  mta::AttemptFinished sent = make_attempt(1, "a", "b", 1800, 1801, AttemptOutcome::kSent, 250,
                                           "2.0.0", "Ok: queued as Q2");
  sent.bytes = 26112;
  sent.recipients = {{"bob@b.example", RecipientOutcome::kAccepted, 250, "2.1.5", "Ok"},
                     {"eve@b.example", RecipientOutcome::kAccepted, 250, "2.1.5", "Ok"}};
  sent.transcript = {{at_seconds(1800.1), 'S', "220 b ESMTP mailsim"},
                     {at_seconds(1800.1), 'C', "EHLO a"},
                     {at_seconds(1800.2), 'S', "250-b"},
                     {at_seconds(1801), 'C', "QUIT"}};
  events.attempt_finished(sent);

  events.message_queued({1, "b", "Q2", "a", at_seconds(1801)});
  events.recipient_final({1, "eve@b.example", mta::FinalStatus::kBounced, "b", at_seconds(1801.2),
                          550, "5.1.1 <eve@b.example>: User unknown", ""});
  events.recipient_final({1, "bob@b.example", mta::FinalStatus::kDelivered, "b", at_seconds(7200.5),
                          250, "2.0.0 delivered to mailbox",
                          "Return-Path: <carol@a.example>\r\n"
                          "Received: from a (a [10.0.0.1]) by b with ESMTP id Q2\r\n"
                          "Subject: hello\r\n"});
}

const RunInfo kSampleInfo{"sample", "abc123", 7, "0.1.0"};

void record_sample_run(const std::string& path, RecordLevel level,
                       const std::function<void(Recorder&, mta::MailEvents&)>& more) {
  Recorder recorder(path, kSampleInfo, level, Existing::kRefuse, Summarise::kAsWritten);
  mta::MailEvents events;
  recorder.subscribe(events);
  emit_sample_run(events);
  if (more) more(recorder, events);
  recorder.finish(at_seconds(86400));
  check_live_summary(recorder, path);
}

void record_latency_run(const std::string& path) {
  Recorder recorder(path, {"latencies", "", 42, "0.1.0"}, RecordLevel::kSummary, Existing::kRefuse,
                    Summarise::kAsWritten);
  mta::MailEvents events;
  recorder.subscribe(events);
  const std::vector<double> latencies = {60, 0.5, 3600, 12, 45, 7200, 30, 900, 1.25, 86400};
  auto attempt = [&](mta::MessageNumber msg, mta::RecipientOutcome outcome, int code) {
    mta::AttemptFinished a =
        make_attempt(msg, "a", "b", 100, 101, mta::AttemptOutcome::kSent, code, "", "reply");
    a.recipients = {{"r@b", outcome, code, "", "reply"}};
    events.attempt_finished(a);
  };
  for (mta::MessageNumber msg = 1; msg <= 12; ++msg) {
    events.message_created({msg, "", "s@a", {"r@b"}, 100, "a", at_seconds(100)});
  }
  for (mta::MessageNumber msg = 1; msg <= 10; ++msg) {
    attempt(msg, mta::RecipientOutcome::kAccepted, 250);
    events.recipient_final({msg, "r@b", mta::FinalStatus::kDelivered, "b",
                            at_seconds(100 + latencies[msg - 1]), 250, "2.0.0 ok", ""});
  }
  attempt(11, mta::RecipientOutcome::kDeferred, 451);
  attempt(11, mta::RecipientOutcome::kRejected, 550);
  events.recipient_final(
      {11, "r@b", mta::FinalStatus::kBounced, "a", at_seconds(200), 550, "5.1.1 unknown", ""});
  attempt(12, mta::RecipientOutcome::kDeferred, 451);
  recorder.finish(at_seconds(86400 * 2));
  check_live_summary(recorder, path);
}

void check_live_summary(Recorder& recorder, const std::string& path) {
  const Summary live = recorder.summary();
  const Summary read = read_summary(path);
  std::ostringstream live_text, read_text, live_json, read_json;
  print_summary(live, live_text);
  print_summary(read, read_text);
  print_summary_json(live, live_json);
  print_summary_json(read, read_json);
  CHECK(live_text.str() == read_text.str());
  CHECK(live_json.str() == read_json.str());
}

std::string printed_summary(const std::string& path) {
  std::ostringstream out;
  print_summary(read_summary(path), out);
  return out.str();
}

}  // namespace mailsim::record::test
