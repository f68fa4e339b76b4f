#include "record/writer.h"

#include <algorithm>
#include <chrono>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "record/recipient_tally.h"
#include "record/schema_sql.h"
#include "record/table_insert.h"

namespace mailsim::record {
namespace {

// Room for the batches made while a commit writes half a second's pages to the WAL (and
// now and then checkpoints it into the file): with 2, the simulation thread waited on
// those commits for 4-5 s of a 26 s isp-scale run at attempts; 64 gained no more than 16.
constexpr std::size_t kMaxQueuedBatches = 16;

// How long a transaction stays open for more batches. Every commit rewrites the last,
// partly filled page of each table and index into the WAL, and the checkpoint copies it
// again: committing a batch at a time wrote 3.8 times the file's size (isp-scale's first
// day at attempts: 1,024 MB for a 270 MB file); half a second's batches a commit, 648 MB.
constexpr std::chrono::milliseconds kCommitEvery{500};

// Written batches kept for the simulation thread to fill again. It takes one per batch it
// hands over, so a few cover the writer's pace; more would only hold memory.
constexpr std::size_t kMaxSpareBatches = 4;

// The writer's transactions: each holds the batches written within kCommitEvery of its
// first, so that a run killed with -9 keeps the rows committed until then, at most about
// that long before the kill.
class GroupCommit {
 public:
  using Clock = std::chrono::steady_clock;

  explicit GroupCommit(sql::Database& db) : db_(db) {}

  // Before a batch: opens a transaction unless one is open.
  void begin() {
    if (open_) return;
    db_.exec("BEGIN");
    open_ = true;
    due_ = Clock::now() + kCommitEvery;
  }
  // After a batch: commits when the run ended or the transaction is due.
  void written(bool run_ended) {
    if (run_ended || Clock::now() >= due_) commit();
  }
  void commit() {
    if (!open_) return;
    db_.exec("COMMIT");
    open_ = false;
  }
  // After a failed batch: the transaction is rolled back, if SQLite has not done so.
  void roll_back() {
    open_ = false;
    try {
      db_.exec("ROLLBACK");
    } catch (...) {  // none was open
    }
  }
  bool open() const { return open_; }
  Clock::time_point due() const { return due_; }

 private:
  sql::Database& db_;
  bool open_ = false;
  Clock::time_point due_;
};

const char* to_string(mta::RecipientOutcome o) {
  switch (o) {
    case mta::RecipientOutcome::kAccepted:
      return "accepted";
    case mta::RecipientOutcome::kDeferred:
      return "deferred";
    case mta::RecipientOutcome::kRejected:
      return "rejected";
  }
  return "?";
}

void bind_optional_text(sql::Statement& s, int i, std::string_view v) {
  if (v.empty()) {
    s.bind_null(i);
  } else {
    s.bind_text_ref(i, v);
  }
}

void bind_optional_code(sql::Statement& s, int i, int code) {
  if (code == 0) {
    s.bind_null(i);
  } else {
    s.bind_int(i, code);
  }
}

void bind_optional_double(sql::Statement& s, int i, const std::optional<double>& v) {
  if (v) {
    s.bind_double(i, *v);
  } else {
    s.bind_null(i);
  }
}

// The prepared INSERTs, made once per connection. Text is bound without a copy
// (bind_text_ref): every row stays in the batch until its insert has run.
class Inserter {
 public:
  Inserter(sql::Database& db, std::int64_t run_id, LiveSummary* live)
      : db_(db),
        node_(db, "node", run_id, {"node_id", "name", "kind", "retry_policy"}),
        link_(db, "link", run_id, {"link_id", "a", "b", "bandwidth_bps", "latency_s"}),
        message_(db, "message", run_id,
                 {"msg_id", "message_id", "sender", "size_bytes", "origin", "created_s", "kind",
                  "about_msg_id", "client_kind"}),
        hop_(db, "hop", run_id, {"msg_id", "node", "queue_id", "from_node", "arrived_s"}),
        attempt_(db, "attempt", run_id,
                 {"attempt_id", "msg_id", "from_node", "to_node", "started_s", "ended_s", "outcome",
                  "reply_code", "enhanced_code", "reply_text", "bytes"}),
        attempt_recipient_(
            db, "attempt_recipient", run_id,
            {"attempt_id", "rcpt", "outcome", "reply_code", "enhanced_code", "reply_text"}),
        transcript_(db, "transcript", run_id, {"attempt_id", "seq", "t_s", "dir", "line"}),
        delivery_(db, "delivery", run_id, {"msg_id", "rcpt", "node", "delivered_s", "headers"}),
        outage_(db, "outage", run_id, {"target", "kind", "start_s", "end_s"}),
        queue_sample_(db, "queue_sample", run_id,
                      {"node", "t_s", "incoming", "active", "deferred"}),
        recipient_(db, "recipient", run_id,
                   {"msg_id", "rcpt", "status", "final_node", "final_s", "delivered_s", "latency_s",
                    "attempts", "last_code", "last_reply", "rowid"}),
        deferral_(db, "deferral", run_id,
                  {"msg_id", "rcpt", "node", "nexthop", "t_s", "kind", "reply_code",
                   "enhanced_code", "reply_text"}),
        run_end_(db.prepare(
            "UPDATE run SET status = ?, sim_end_s = ?, finished_at = ? WHERE run_id = ?")),
        run_id_(run_id),
        live_(live) {}

  // Inserts the batch's rows in the open transaction (GroupCommit's).
  void write(const Batch& b) {
    node_.insert(b.nodes, [this](sql::Statement& s, int p, const NodeRow& r) {
      s.bind_int(p, ++node_id_).bind_text_ref(p + 1, r.name);
      s.bind_text_ref(p + 2, r.kind);
      bind_optional_text(s, p + 3, r.retry_policy);
    });
    link_.insert(b.links, [this](sql::Statement& s, int p, const LinkRow& r) {
      s.bind_int(p, ++link_id_).bind_text_ref(p + 1, r.a);
      s.bind_text_ref(p + 2, r.b).bind_int(p + 3, r.bandwidth_bps).bind_double(p + 4, r.latency_s);
    });
    message_.insert(b.messages,
                    [this](sql::Statement& s, int p, const MessageRow& r) { bind(s, p, r); });
    hop_.insert(b.hops, [this](sql::Statement& s, int p, const HopRow& r) {
      s.bind_int(p, static_cast<std::int64_t>(r.msg));
      s.bind_text_ref(p + 1, r.node).bind_text_ref(p + 2, r.queue_id);
      bind_optional_text(s, p + 3, r.from_node);
      s.bind_double(p + 4, r.at.seconds());
    });
    write_attempts(b);
    delivery_.insert(b.deliveries, [this](sql::Statement& s, int p, const DeliveryRow& r) {
      s.bind_int(p, static_cast<std::int64_t>(r.msg));
      s.bind_text_ref(p + 1, r.rcpt).bind_text_ref(p + 2, r.node);
      s.bind_double(p + 3, r.delivered_s);
      bind_optional_text(s, p + 4, r.headers);
    });
    outage_.insert(b.outages, [this](sql::Statement& s, int p, const OutageRow& r) {
      s.bind_text_ref(p, r.target).bind_text_ref(p + 1, r.kind);
      s.bind_double(p + 2, r.start_s).bind_double(p + 3, r.end_s);
    });
    deferral_.insert(b.deferrals,
                     [this](sql::Statement& s, int p, const DeferralRow& r) { bind(s, p, r); });
    queue_sample_.insert(
        b.queue_samples, [this](sql::Statement& s, int p, const QueueSampleRow& r) {
          s.bind_text_ref(p, r.node).bind_double(p + 1, r.t_s);
          s.bind_int(p + 2, r.incoming).bind_int(p + 3, r.active).bind_int(p + 4, r.deferred);
        });
    if (live_ != nullptr) live_->add_rows(b);
    write_recipients(b);
    if (b.run_end) {
      run_end_.bind_text_ref(1, b.run_end->status).bind_double(2, b.run_end->sim_end_s);
      run_end_.bind_text_ref(3, b.run_end->finished_at).bind_int(4, run_id_).run();
      // The simulation is over and its core free: the late indexes' sorts may use it.
      db_.exec("PRAGMA threads = 2");
      db_.exec(kSchemaLateIndexesSql);
    }
  }

 private:
  void bind(sql::Statement& s, int p, const MessageRow& r) const {
    s.bind_int(p, static_cast<std::int64_t>(r.msg));
    bind_optional_text(s, p + 1, r.message_id);
    s.bind_text_ref(p + 2, r.sender).bind_int(p + 3, r.size_bytes).bind_text_ref(p + 4, r.origin);
    s.bind_double(p + 5, r.created_s).bind_text_ref(p + 6, r.kind);
    if (r.about == 0) {
      s.bind_null(p + 7);
    } else {
      s.bind_int(p + 7, static_cast<std::int64_t>(r.about));
    }
    bind_optional_text(s, p + 8, r.client_kind);
  }

  void bind(sql::Statement& s, int p, const DeferralRow& r) const {
    s.bind_int(p, static_cast<std::int64_t>(r.msg));
    s.bind_text_ref(p + 1, r.rcpt).bind_text_ref(p + 2, r.node).bind_text_ref(p + 3, r.nexthop);
    s.bind_double(p + 4, r.t_s).bind_text_ref(p + 5, r.kind);
    bind_optional_code(s, p + 6, r.code);
    bind_optional_text(s, p + 7, r.enhanced);
    s.bind_text_ref(p + 8, r.text);
  }

  void bind(sql::Statement& s, int p, const RecipientRow& r) const {
    s.bind_int(p, static_cast<std::int64_t>(r.msg));
    s.bind_text_ref(p + 1, r.rcpt).bind_text_ref(p + 2, r.status);
    bind_optional_text(s, p + 3, r.final_node);
    bind_optional_double(s, p + 4, r.final_s);
    bind_optional_double(s, p + 5, r.delivered_s);
    bind_optional_double(s, p + 6, r.latency_s);
    s.bind_int(p + 7, r.attempts);
    bind_optional_code(s, p + 8, r.last_code);
    bind_optional_text(s, p + 9, r.last_reply);
    s.bind_int(p + 10, r.rowid);  // the table's order, whenever the row comes
  }

  // The rows of the messages that the batch's tally steps finish (at the run's end, of
  // those still in flight too), in rowid order rather than as messages finished: the rowid
  // puts the rows in the table, whatever the order of the INSERTs, and neighbouring keys in
  // the table and its indexes cost SQLite less than keys spread over their B-trees (about a
  // third of the instructions a row).
  void write_recipients(const Batch& batch) {
    taken_.clear();
    for (const TallyStep& step : batch.tally) tally_.apply(step, taken_);
    if (batch.run_end)
      tally_.take_rows([this](TalliedMessage&& m) { taken_.push_back(std::move(m)); });
    recipient_rows_.clear();
    for (const TalliedMessage& m : taken_) {
      const std::size_t first = recipient_rows_.size();
      for (std::size_t i = 0; i < m.recipients.size(); ++i) {
        recipient_rows_.push_back(recipient_row(m, i));
      }
      if (live_ != nullptr) live_->finish_message(m.msg, std::span(recipient_rows_).subspan(first));
    }
    if (batch.run_end && live_ != nullptr) live_->finish_all();
    std::sort(recipient_rows_.begin(), recipient_rows_.end(),
              [](const RecipientRow& a, const RecipientRow& b) { return a.rowid < b.rowid; });
    recipient_.insert(recipient_rows_,
                      [this](sql::Statement& s, int p, const RecipientRow& r) { bind(s, p, r); });
  }

  // The attempts, then their recipients, then their transcripts: each table's rows in the
  // order of the attempts.
  void write_attempts(const Batch& b) {
    attempt_.insert(b.attempts, [this](sql::Statement& s, int p, const AttemptRow& r) {
      s.bind_int(p, r.attempt_id);
      s.bind_int(p + 1, static_cast<std::int64_t>(r.msg));
      s.bind_text_ref(p + 2, r.from_node).bind_text_ref(p + 3, r.to_node);
      s.bind_double(p + 4, r.started.seconds()).bind_double(p + 5, r.ended.seconds());
      s.bind_text_ref(p + 6, mta::to_string(r.outcome));
      bind_optional_code(s, p + 7, r.code);
      bind_optional_text(s, p + 8, r.enhanced);
      bind_optional_text(s, p + 9, r.text);
      s.bind_int(p + 10, r.bytes);
    });
    attempt_recipient_.insert(b.attempt_recipients,
                              [this](sql::Statement& s, int p, const AttemptRecipientRow& r) {
                                s.bind_int(p, r.attempt_id).bind_text_ref(p + 1, r.rcpt);
                                s.bind_text_ref(p + 2, to_string(r.outcome));
                                bind_optional_code(s, p + 3, r.code);
                                bind_optional_text(s, p + 4, r.enhanced);
                                bind_optional_text(s, p + 5, r.text);
                              });
    transcript_.insert(b.transcript, [this](sql::Statement& s, int p, const TranscriptRow& r) {
      s.bind_int(p, r.attempt_id).bind_int(p + 1, r.seq);
      s.bind_double(p + 2, r.at.seconds());
      s.bind_text_ref(p + 3, std::string_view(&r.direction, 1));
      s.bind_text_ref(p + 4, r.line);
    });
  }

  sql::Database& db_;
  TableInsert node_, link_, message_, hop_, attempt_, attempt_recipient_, transcript_, delivery_,
      outage_, queue_sample_, recipient_, deferral_;
  sql::Statement run_end_;
  std::int64_t run_id_;
  std::int64_t node_id_ = 0;
  std::int64_t link_id_ = 0;
  LiveSummary* live_;  // null when no summary is tallied
  RecipientTally tally_;
  std::vector<TalliedMessage> taken_;         // scratch for write_recipients
  std::vector<RecipientRow> recipient_rows_;  // scratch for write_recipients
};

}  // namespace

Writer::Writer(sql::Database db, std::int64_t run_id, bool summarise)
    : run_id_(run_id),
      live_(summarise ? std::optional<LiveSummary>(std::in_place) : std::nullopt),
      thread_([this, d = std::move(db)]() mutable { run(std::move(d)); }) {}

Writer::~Writer() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  changed_.notify_all();
  thread_.join();
}

void Writer::submit(Batch batch) {
  std::unique_lock lock(mutex_);
  changed_.wait(lock, [this] { return queue_.size() < kMaxQueuedBatches || error_; });
  if (error_) std::rethrow_exception(error_);
  queue_.push_back(std::move(batch));
  changed_.notify_all();
}

Batch Writer::spare() {
  std::lock_guard lock(mutex_);
  if (spares_.empty()) return Batch{};
  Batch b = std::move(spares_.back());
  spares_.pop_back();
  return b;
}

void Writer::drain() {
  std::unique_lock lock(mutex_);
  changed_.wait(lock, [this] { return queue_.empty() && !busy_; });
  if (error_) std::rethrow_exception(error_);
}

std::optional<SummaryTallies> Writer::take_tallies() {
  drain();
  // Not reset: the writer thread's Inserter points at it for as long as it lives.
  if (!live_ || tallies_taken_) return std::nullopt;
  tallies_taken_ = true;
  return live_->take();
}

void Writer::run(sql::Database db) {
  {
    std::optional<Inserter> inserter;
    GroupCommit commits(db);
    try {
      inserter.emplace(db, run_id_, live_ ? &*live_ : nullptr);
    } catch (...) {
      fail(db);
    }
    const auto ready = [this] { return stopping_ || !queue_.empty(); };
    const auto commit = [&] {
      try {
        commits.commit();
      } catch (...) {
        commits.roll_back();
        fail(db);
      }
    };
    std::unique_lock lock(mutex_);
    for (;;) {
      if (!commits.open()) {
        changed_.wait(lock, ready);
      } else if (!changed_.wait_until(lock, commits.due(), ready)) {
        lock.unlock();  // no batch came in time: commit what the open transaction holds
        commit();
        lock.lock();
        continue;
      }
      if (queue_.empty()) break;  // stopping, with everything written
      Batch batch = std::move(queue_.front());
      queue_.pop_front();
      const bool failed = error_ != nullptr;  // then the batch is dropped
      busy_ = true;
      changed_.notify_all();  // room in the queue
      lock.unlock();
      try {
        if (!failed) {
          commits.begin();
          inserter->write(batch);
          commits.written(batch.run_end.has_value());
        }
      } catch (...) {
        commits.roll_back();
        fail(db);
      }
      batch.clear();
      lock.lock();
      if (spares_.size() < kMaxSpareBatches) spares_.push_back(std::move(batch));
      busy_ = false;
      changed_.notify_all();
    }
    lock.unlock();
    commit();
  }
  // One self-contained file at the end, whether or not the run completed.
  try {
    db.exec("PRAGMA journal_mode = DELETE");
  } catch (...) {
  }
}

void Writer::fail(sql::Database& db) {
  std::string what = "unknown error";
  try {
    throw;
  } catch (const std::exception& e) {
    what = e.what();
  } catch (...) {
  }
  // The run did not end, whatever comes later: a reader must not take it for complete.
  try {
    db.prepare("UPDATE run SET status = 'failed' WHERE run_id = ?").bind_int(1, run_id_).run();
  } catch (...) {  // a full disk, say: the run stays 'running', which says as much
  }
  std::lock_guard lock(mutex_);
  error_ = std::make_exception_ptr(std::runtime_error("writing the results file failed: " + what));
}

}  // namespace mailsim::record
