#include "record/writer.h"

#include <optional>
#include <string>
#include <utility>

#include "record/schema_sql.h"

namespace mailsim::record {
namespace {

constexpr std::size_t kMaxQueuedBatches = 2;

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

void bind_optional_text(sql::Statement& s, int i, const std::string& v) {
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
  Inserter(sql::Database& db, std::int64_t run_id)
      : db_(db),
        node_(db.prepare(
            "INSERT INTO node(run_id, node_id, name, kind, retry_policy) VALUES (?, ?, ?, ?, ?)")),
        link_(db.prepare("INSERT INTO link(run_id, link_id, a, b, bandwidth_bps, latency_s) VALUES "
                         "(?, ?, ?, ?, ?, ?)")),
        message_(db.prepare("INSERT INTO message(run_id, msg_id, message_id, sender, size_bytes, "
                            "origin, created_s, kind,"
                            " about_msg_id, client_kind) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")),
        hop_(db.prepare(
            "INSERT INTO hop(run_id, msg_id, node, queue_id, from_node, arrived_s) VALUES (?, ?, "
            "?, ?, ?, ?)")),
        attempt_(db.prepare("INSERT INTO attempt(run_id, attempt_id, msg_id, from_node, to_node, "
                            "started_s, ended_s,"
                            " outcome, reply_code, enhanced_code, reply_text, bytes)"
                            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")),
        attempt_recipient_(db.prepare("INSERT INTO attempt_recipient(run_id, attempt_id, rcpt, "
                                      "outcome, reply_code, enhanced_code,"
                                      " reply_text) VALUES (?, ?, ?, ?, ?, ?, ?)")),
        transcript_(db.prepare("INSERT INTO transcript(run_id, attempt_id, seq, t_s, dir, line) "
                               "VALUES (?, ?, ?, ?, ?, ?)")),
        delivery_(
            db.prepare("INSERT INTO delivery(run_id, msg_id, rcpt, node, delivered_s, headers) "
                       "VALUES (?, ?, ?, ?, ?, ?)")),
        outage_(db.prepare(
            "INSERT INTO outage(run_id, target, kind, start_s, end_s) VALUES (?, ?, ?, ?, ?)")),
        queue_sample_(
            db.prepare("INSERT INTO queue_sample(run_id, node, t_s, incoming, active, deferred) "
                       "VALUES (?, ?, ?, ?, ?, ?)")),
        recipient_(db.prepare(
            "INSERT INTO recipient(run_id, msg_id, rcpt, status, final_node, final_s, delivered_s,"
            " latency_s, attempts, last_code, last_reply, rowid) VALUES (?, ?, ?, ?, ?, ?, ?, ?, "
            "?, ?, ?, ?)")),
        deferral_(db.prepare("INSERT INTO deferral(run_id, msg_id, rcpt, node, nexthop, t_s, kind,"
                             " reply_code, enhanced_code, reply_text)"
                             " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")),
        run_end_(db.prepare(
            "UPDATE run SET status = ?, sim_end_s = ?, finished_at = ? WHERE run_id = ?")),
        run_id_(run_id) {}

  void write(const Batch& b) {
    db_.exec("BEGIN");
    for (const NodeRow& r : b.nodes) {
      of_run(node_).bind_int(2, ++node_id_).bind_text_ref(3, r.name).bind_text_ref(4, r.kind);
      bind_optional_text(node_, 5, r.retry_policy);
      node_.run();
    }
    for (const LinkRow& r : b.links) {
      of_run(link_).bind_int(2, ++link_id_).bind_text_ref(3, r.a).bind_text_ref(4, r.b);
      link_.bind_int(5, r.bandwidth_bps).bind_double(6, r.latency_s).run();
    }
    for (const MessageRow& r : b.messages) write(r);
    for (const mta::MessageQueued& r : b.hops) write(r);
    for (const AttemptRow& r : b.attempts) write(r);
    for (const DeliveryRow& r : b.deliveries) {
      of_run(delivery_).bind_int(2, static_cast<std::int64_t>(r.msg)).bind_text_ref(3, r.rcpt);
      delivery_.bind_text_ref(4, r.node)
          .bind_double(5, r.delivered_s)
          .bind_text_ref(6, r.headers)
          .run();
    }
    for (const OutageRow& r : b.outages) {
      of_run(outage_).bind_text_ref(2, r.target).bind_text_ref(3, r.kind).bind_double(4, r.start_s);
      outage_.bind_double(5, r.end_s).run();
    }
    for (const DeferralRow& r : b.deferrals) write(r);
    for (const QueueSampleRow& r : b.queue_samples) {
      of_run(queue_sample_).bind_text_ref(2, r.node).bind_double(3, r.t_s).bind_int(4, r.incoming);
      queue_sample_.bind_int(5, r.active).bind_int(6, r.deferred).run();
    }
    for (const RecipientRow& r : b.recipients) write(r);
    if (b.run_end) {
      run_end_.bind_text_ref(1, b.run_end->status).bind_double(2, b.run_end->sim_end_s);
      run_end_.bind_text_ref(3, b.run_end->finished_at).bind_int(4, run_id_).run();
      // The simulation is over and its core free: the late indexes' sorts may use it.
      db_.exec("PRAGMA threads = 2");
      db_.exec(kSchemaLateIndexesSql);
    }
    db_.exec("COMMIT");
  }

 private:
  // Every row starts with its run.
  sql::Statement& of_run(sql::Statement& s) const { return s.bind_int(1, run_id_); }

  void write(const MessageRow& r) {
    of_run(message_).bind_int(2, static_cast<std::int64_t>(r.msg));
    bind_optional_text(message_, 3, r.message_id);
    message_.bind_text_ref(4, r.sender).bind_int(5, r.size_bytes).bind_text_ref(6, r.origin);
    message_.bind_double(7, r.created_s).bind_text_ref(8, r.kind);
    if (r.about == 0) {
      message_.bind_null(9);
    } else {
      message_.bind_int(9, static_cast<std::int64_t>(r.about));
    }
    bind_optional_text(message_, 10, r.client_kind);
    message_.run();
  }

  void write(const mta::MessageQueued& r) {
    of_run(hop_).bind_int(2, static_cast<std::int64_t>(r.msg)).bind_text_ref(3, r.node);
    hop_.bind_text_ref(4, r.queue_id);
    bind_optional_text(hop_, 5, r.from_node);
    hop_.bind_double(6, r.at.seconds()).run();
  }

  void write(const DeferralRow& r) {
    of_run(deferral_).bind_int(2, static_cast<std::int64_t>(r.msg)).bind_text_ref(3, r.rcpt);
    deferral_.bind_text_ref(4, r.node).bind_text_ref(5, r.nexthop).bind_double(6, r.t_s);
    deferral_.bind_text_ref(7, r.kind);
    bind_optional_code(deferral_, 8, r.code);
    bind_optional_text(deferral_, 9, r.enhanced);
    deferral_.bind_text_ref(10, r.text).run();
  }

  void write(const AttemptRow& r) {
    const mta::AttemptFinished& a = r.attempt;
    of_run(attempt_).bind_int(2, r.attempt_id).bind_int(3, static_cast<std::int64_t>(a.msg));
    attempt_.bind_text_ref(4, a.from_node).bind_text_ref(5, a.to_node);
    attempt_.bind_double(6, a.started.seconds()).bind_double(7, a.ended.seconds());
    attempt_.bind_text_ref(8, mta::to_string(a.outcome));
    bind_optional_code(attempt_, 9, a.code);
    bind_optional_text(attempt_, 10, a.enhanced);
    bind_optional_text(attempt_, 11, a.text);
    attempt_.bind_int(12, a.bytes).run();
    for (const mta::AttemptRecipient& ar : a.recipients) {
      of_run(attempt_recipient_).bind_int(2, r.attempt_id).bind_text_ref(3, ar.rcpt);
      attempt_recipient_.bind_text_ref(4, to_string(ar.outcome));
      bind_optional_code(attempt_recipient_, 5, ar.code);
      bind_optional_text(attempt_recipient_, 6, ar.enhanced);
      bind_optional_text(attempt_recipient_, 7, ar.text);
      attempt_recipient_.run();
    }
    std::int64_t seq = 0;
    for (const mta::TranscriptEntry& t : a.transcript) {
      of_run(transcript_)
          .bind_int(2, r.attempt_id)
          .bind_int(3, ++seq)
          .bind_double(4, t.at.seconds());
      transcript_.bind_text_ref(5, std::string_view(&t.direction, 1))
          .bind_text_ref(6, t.line)
          .run();
    }
  }

  void write(const RecipientRow& r) {
    of_run(recipient_).bind_int(2, static_cast<std::int64_t>(r.msg)).bind_text_ref(3, r.rcpt);
    recipient_.bind_text_ref(4, r.status);
    bind_optional_text(recipient_, 5, r.final_node);
    bind_optional_double(recipient_, 6, r.final_s);
    bind_optional_double(recipient_, 7, r.delivered_s);
    bind_optional_double(recipient_, 8, r.latency_s);
    recipient_.bind_int(9, r.attempts);
    bind_optional_code(recipient_, 10, r.last_code);
    bind_optional_text(recipient_, 11, r.last_reply);
    recipient_.bind_int(12, r.rowid);  // the table's order, whenever the row comes
    recipient_.run();
  }

  sql::Database& db_;
  sql::Statement node_, link_, message_, hop_, attempt_, attempt_recipient_, transcript_, delivery_,
      outage_, queue_sample_, recipient_, deferral_, run_end_;
  std::int64_t run_id_;
  std::int64_t node_id_ = 0;
  std::int64_t link_id_ = 0;
};

}  // namespace

Writer::Writer(sql::Database db, std::int64_t run_id)
    : run_id_(run_id), thread_([this, d = std::move(db)]() mutable { run(std::move(d)); }) {}

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
  changed_.wait(lock, [this] { return queue_.size() < kMaxQueuedBatches; });
  queue_.push_back(std::move(batch));
  changed_.notify_all();
}

void Writer::drain() {
  std::unique_lock lock(mutex_);
  changed_.wait(lock, [this] { return queue_.empty() && !busy_; });
  if (error_) std::rethrow_exception(error_);
}

void Writer::run(sql::Database db) {
  {
    std::optional<Inserter> inserter;
    try {
      inserter.emplace(db, run_id_);
    } catch (...) {
      error_ = std::current_exception();  // no other thread reads it before drain()
    }
    std::unique_lock lock(mutex_);
    for (;;) {
      changed_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) break;  // stopping, with everything written
      Batch batch = std::move(queue_.front());
      queue_.pop_front();
      busy_ = true;
      changed_.notify_all();  // room in the queue
      lock.unlock();
      try {
        if (!error_) inserter->write(batch);
      } catch (...) {
        try {
          db.exec("ROLLBACK");
        } catch (...) {
        }
        std::lock_guard relock(mutex_);
        error_ = std::current_exception();
      }
      lock.lock();
      busy_ = false;
      changed_.notify_all();
    }
  }
  // One self-contained file at the end, whether or not the run completed.
  try {
    db.exec("PRAGMA journal_mode = DELETE");
  } catch (...) {
  }
}

}  // namespace mailsim::record
