#include "mailsim/record/recorder.h"

#include <chrono>
#include <ctime>
#include <filesystem>
#include <map>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <utility>

#include "mailsim/core/error.h"
#include "record/json_writer.h"
#include "record/queue_changes.h"
#include "record/recipient_tally.h"
#include "record/results_db.h"
#include "record/schema_sql.h"
#include "record/summary_tallies.h"
#include "record/writer.h"

namespace mailsim::record {
namespace {

std::string utc_now() {
  const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

// Refuses an output path that holds a folder, a file that is not a results database,
// or (unless `existing` allows it) an earlier run's results.
void check_output_path(const std::string& path, Existing existing) {
  const SourceLocation where{path, 0, 0, ""};
  std::error_code ignored;
  if (std::filesystem::is_directory(path, ignored)) {
    throw InputError("the output path is a folder", "give a file name, for example -o results.db",
                     where);
  }
  if (!std::filesystem::exists(path, ignored)) return;
  if (!is_results_database(path)) {
    throw InputError(
        "the output file exists and is not a mailsim results database; not overwriting it",
        "choose another output path (-o FILE.db) or remove the file", where);
  }
  if (existing == Existing::kRefuse) {
    throw InputError("the output file holds the results of an earlier run; not overwriting them",
                     "give --force to replace them, or choose another output path (-o FILE.db)",
                     where);
  }
}

// A fresh database with the schema and the run row, ready for the writer.
sql::Database create_database(const std::string& path, const RunInfo& info, RecordLevel level,
                              Existing existing) {
  check_output_path(path, existing);
  std::error_code ignored;
  for (const char* suffix : {"", "-journal", "-wal", "-shm"}) {
    std::filesystem::remove(path + suffix, ignored);
  }
  try {
    sql::Database db = sql::Database::open_for_writing(path);
    // The run's status column, not the journal, tells whether the file is complete; WAL
    // keeps the file readable if the process is killed mid-run. A larger page cache than
    // SQLite's 2 MiB keeps the pages that rows are appended to, and the sorts that build
    // the late indexes at the end, off the disk. 16 KiB pages rather than 4: the file goes
    // through the WAL and back in a quarter as many system calls (on isp-scale's first
    // 12 h, 15-20 % less system time, the same instructions); set before the first table.
    db.exec(
        "PRAGMA page_size = 16384; PRAGMA journal_mode = WAL; PRAGMA synchronous = OFF;"
        " PRAGMA cache_size = -65536;");
    db.exec(kSchemaTablesSql);
    db.exec(kSchemaLiveIndexesSql);
    sql::Statement run = db.prepare(
        "INSERT INTO run(run_id, scenario, scenario_sha256, seed, status, version, started_at,"
        " record_level, point, replication, parameters)"
        " VALUES (?, ?, ?, ?, 'running', ?, ?, ?, ?, ?, ?)");
    run.bind_int(1, info.run_id).bind_text(2, info.scenario).bind_text(3, info.scenario_sha256);
    run.bind_int(4, static_cast<std::int64_t>(info.seed)).bind_text(5, info.version);
    run.bind_text(6, utc_now()).bind_text(7, to_string(level));
    if (info.point == 0) {
      run.bind_null(8);
    } else {
      run.bind_int(8, info.point);
    }
    run.bind_int(9, static_cast<std::int64_t>(info.replication))
        .bind_text(10, parameters_json(info.parameters));
    run.run();
    return db;
  } catch (const std::runtime_error& e) {
    throw InputError("cannot create the results database: " + std::string(e.what()),
                     "choose an output path in a folder that exists and is writable (-o FILE.db)",
                     SourceLocation{path, 0, 0, ""});
  }
}

// The attempt's steps of the recipient tally in `batch`; its rows too, unless `rows` is
// false (level summary), and its transcript's only if `transcript`.
void add_attempt(Batch& batch, std::int64_t attempt_id, const mta::AttemptFinished& e, bool rows,
                 bool transcript) {
  TextArena& text = batch.text;
  for (const mta::AttemptRecipient& r : e.recipients) {
    const TallyStep& step = batch.tally.emplace_back(TallyStep{.kind = TallyStep::Kind::kAttempted,
                                                               .code = r.code,
                                                               .msg = e.msg,
                                                               .rcpt = text.keep(r.rcpt),
                                                               .enhanced = text.keep(r.enhanced),
                                                               .reply = text.keep(r.text)});
    if (rows) {
      batch.attempt_recipients.push_back(
          {attempt_id, step.rcpt, r.outcome, r.code, step.enhanced, step.reply});
    }
  }
  if (!rows) return;
  batch.attempts.push_back({attempt_id, e.msg, text.keep(e.from_node), text.keep(e.to_node),
                            e.started, e.ended, e.outcome, e.code, text.keep(e.enhanced),
                            text.keep(e.text), e.bytes});
  if (!transcript) return;
  std::int64_t seq = 0;
  for (const mta::TranscriptEntry& t : e.transcript) {
    batch.transcript.push_back({attempt_id, ++seq, t.at, t.direction, text.keep(t.line)});
  }
}

// Gives the vectors of a new batch the room the previous one needed, so that rows are
// not moved while a vector grows: batches of one run hold much the same mix of rows.
void reserve_like(Batch& next, const Batch& last) {
  next.messages.reserve(last.messages.size());
  next.hops.reserve(last.hops.size());
  next.attempts.reserve(last.attempts.size());
  next.attempt_recipients.reserve(last.attempt_recipients.size());
  next.transcript.reserve(last.transcript.size());
  next.deliveries.reserve(last.deliveries.size());
  next.queue_samples.reserve(last.queue_samples.size());
  next.deferrals.reserve(last.deferrals.size());
  next.tally.reserve(last.tally.size());
}

}  // namespace

std::string parameters_json(const std::vector<std::pair<std::string, std::string>>& parameters) {
  std::ostringstream out;
  JsonWriter json(out);
  json.begin_object();
  for (const auto& [path, value] : parameters) json.key(path).value(value);
  json.end_object();
  return out.str();
}

const char* to_string(RecordLevel level) {
  switch (level) {
    case RecordLevel::kSummary:
      return "summary";
    case RecordLevel::kAttempts:
      return "attempts";
    case RecordLevel::kFull:
      return "full";
  }
  return "?";
}

RecordLevel parse_record_level(const std::string& text) {
  if (text == "summary") return RecordLevel::kSummary;
  if (text == "attempts") return RecordLevel::kAttempts;
  if (text == "full") return RecordLevel::kFull;
  throw InputError("unknown record level '" + text + "'", "use summary, attempts or full");
}

class Recorder::Impl {
 public:
  Impl(const std::string& path, const RunInfo& info, RecordLevel level, Existing existing,
       Summarise summarise)
      : path_(path),
        run_id_(info.run_id),
        level_(level),
        writer_(create_database(path, info, level, existing), info.run_id,
                summarise == Summarise::kAsWritten) {}

  ~Impl() {
    if (finished_) return;
    try {
      hand_over();  // what happened so far, with the run still 'running'
    } catch (const std::exception&) {
      // The writer failed and marked the run failed (or, unable to, left it 'running').
      // A destructor must not throw: an owner that skipped finish() is unwinding from an
      // error of its own, or from this one thrown at an earlier hand-over.
    }
  }

  void on_created(const mta::MessageCreated& e) {
    if (!e.recipients.empty()) check_room(e.recipients.size() - 1);
    TextArena& text = pending_.text;
    if (e.recipients.empty()) pending_.tally.push_back({.msg = e.msg, .at = e.at});
    for (const std::string& rcpt : e.recipients) {
      pending_.tally.push_back(
          {.kind = TallyStep::Kind::kNamed, .msg = e.msg, .at = e.at, .rcpt = text.keep(rcpt)});
    }
    pending_.messages.emplace_back(e.msg, text.keep(e.message_id), text.keep(e.sender),
                                   e.size_bytes, text.keep(e.origin), e.at.seconds(),
                                   mta::to_string(e.kind), e.about, text.keep(e.client_kind));
    added(1);
  }

  void on_queued(const mta::MessageQueued& e) {
    if (level_ == RecordLevel::kSummary) return;
    TextArena& text = pending_.text;
    pending_.hops.push_back(
        {e.msg, text.keep(e.node), text.keep(e.queue_id), text.keep(e.from_node), e.at});
    added(1);
  }

  void on_attempt(const mta::AttemptFinished& e) {
    if (level_ == RecordLevel::kSummary) {  // only the tally's steps, which count as rows
      add_attempt(pending_, 0, e, false, false);
      return added(e.recipients.size());
    }
    const bool transcript = level_ == RecordLevel::kFull;
    add_attempt(pending_, ++last_attempt_id_, e, true, transcript);
    added(1 + e.recipients.size() + (transcript ? e.transcript.size() : 0));
  }

  void on_deferred(const mta::DeliveryDeferred& e) {
    if (level_ == RecordLevel::kSummary) return;
    TextArena& text = pending_.text;
    const std::string_view node = text.keep(e.node), nexthop = text.keep(e.nexthop),
                           kind = text.keep(e.kind), enhanced = text.keep(e.enhanced),
                           reply = text.keep(e.text);
    for (const std::string& rcpt : e.recipients) {
      pending_.deferrals.emplace_back(e.msg, text.keep(rcpt), node, nexthop, e.at.seconds(), kind,
                                      e.code, enhanced, reply);
    }
    added(e.recipients.size());
  }

  void on_final(const mta::RecipientFinal& e) {
    TextArena& text = pending_.text;
    const TallyStep& step = pending_.tally.emplace_back(TallyStep{.kind = TallyStep::Kind::kFinal,
                                                                  .status = e.status,
                                                                  .code = e.code,
                                                                  .msg = e.msg,
                                                                  .at = e.at,
                                                                  .rcpt = text.keep(e.rcpt),
                                                                  .node = text.keep(e.node),
                                                                  .reply = text.keep(e.reply)});
    // The step counts as a row, so that a batch leaves after so many steps at any level.
    if (level_ == RecordLevel::kSummary || e.status != mta::FinalStatus::kDelivered)
      return added(1);
    // The header block is the delivered copy's content, kept with the dialogues at full.
    pending_.deliveries.emplace_back(
        e.msg, step.rcpt, step.node, e.at.seconds(),
        level_ == RecordLevel::kFull ? text.keep(e.headers) : std::string_view());
    added(2);
  }

  // Nothing more can happen to the message: the writer makes its recipient rows now.
  void on_finished(const mta::MessageFinished& e) {
    pending_.tally.push_back({.kind = TallyStep::Kind::kFinished, .msg = e.msg});
    added(1);
  }

  // Pairs each down with the next up of the same target into one outage row.
  void on_state(const std::string& kind, const std::string& target, bool up, Time at) {
    if (level_ == RecordLevel::kSummary) return;
    const auto key = std::make_pair(kind, target);
    if (!up) {
      open_outages_.emplace(key, at.seconds());
      return;
    }
    const auto it = open_outages_.find(key);
    if (it == open_outages_.end()) return;
    pending_.outages.push_back({target, kind, it->second, at.seconds()});
    open_outages_.erase(it);
    added(1);
  }

  void name_queue_nodes(std::vector<std::string> names) {
    if (level_ != RecordLevel::kSummary) queue_changes_.name_nodes(std::move(names));
  }

  void on_queue_sample(Time t, std::span<const QueueSample> changed) {
    if (level_ == RecordLevel::kSummary) return;
    last_queue_sample_ = t;
    for (const QueueSample& s : changed) {
      if (std::optional<QueueSampleRow> row = queue_changes_.offer(s.node, t, s.queue)) {
        pending_.queue_samples.push_back(std::move(*row));
        added(1);
      }
    }
  }

  void finish(Time sim_end, const char* status) {
    if (finished_) return;
    if (last_queue_sample_) {
      for (QueueSampleRow& row : queue_changes_.last_samples(*last_queue_sample_)) {
        pending_.queue_samples.push_back(std::move(row));
      }
    }
    for (const auto& [key, start] : open_outages_) {  // still down: until the end of the run
      pending_.outages.push_back({key.second, key.first, start, sim_end.seconds()});
    }
    finished_ = true;
    pending_.run_end = RunEnd{status, sim_end.seconds(), utc_now()};
    hand_over();
    writer_.drain();
  }

  Summary summary() {
    if (!finished_) throw std::logic_error("Recorder::summary() before the run's end");
    if (summary_) return *summary_;
    std::optional<SummaryTallies> tallies = writer_.take_tallies();
    if (!tallies) return read_summary(path_, run_id_);
    // Moved, not copied: the latency lists are 24 bytes a delivered recipient.
    summary_ = summary_with_tallies(path_, run_id_, std::move(*tallies));
    return *summary_;
  }

  // Rows arriving after finish() are dropped: the recipient table is already written.
  Batch* batch() { return finished_ ? nullptr : &pending_; }
  RecordLevel level() const { return level_; }
  // The batch for rows that level summary leaves out, or nullptr.
  Batch* detail_batch() { return level_ == RecordLevel::kSummary ? nullptr : batch(); }

  void added(std::size_t rows) {
    pending_.rows += rows;
    if (pending_.rows >= kBatchRows) hand_over();
  }

 private:
  void hand_over() {
    Batch next = finished_ ? Batch{} : writer_.spare();
    if (!finished_) reserve_like(next, pending_);  // the room the next batch will likely need
    writer_.submit(std::exchange(pending_, std::move(next)));
  }

  std::string path_;
  std::int64_t run_id_;
  RecordLevel level_;
  QueueChanges queue_changes_;
  std::optional<Time> last_queue_sample_;
  Batch pending_;
  std::int64_t last_attempt_id_ = 0;
  bool finished_ = false;
  std::map<std::pair<std::string, std::string>, double> open_outages_;  // (kind, target)
  std::optional<Summary> summary_;  // made from the writer's tallies, once
  Writer writer_;                   // last: joined first, after the final hand-over
};

Recorder::Recorder(const std::string& path, RunInfo info, RecordLevel level, Existing existing,
                   Summarise summarise)
    : impl_(std::make_unique<Impl>(path, info, level, existing, summarise)) {}

Recorder::~Recorder() = default;

void Recorder::add_node(std::string name, std::string kind, std::string retry_policy) {
  if (Batch* b = impl_->batch()) {
    b->nodes.push_back({std::move(name), std::move(kind), std::move(retry_policy)});
    impl_->added(1);
  }
}

void Recorder::add_link(std::string a, std::string b, std::int64_t bandwidth_bps,
                        double latency_s) {
  if (Batch* batch = impl_->batch()) {
    batch->links.push_back({std::move(a), std::move(b), bandwidth_bps, latency_s});
    impl_->added(1);
  }
}

void Recorder::add_outage(std::string target, std::string kind, double start_s, double end_s) {
  if (Batch* b = impl_->detail_batch()) {
    b->outages.push_back({std::move(target), std::move(kind), start_s, end_s});
    impl_->added(1);
  }
}

void Recorder::add_queue_nodes(std::vector<std::string> names) {
  impl_->name_queue_nodes(std::move(names));
}

void Recorder::add_queue_sample(Time t, std::span<const QueueSample> changed) {
  if (impl_->batch()) impl_->on_queue_sample(t, changed);
}

void Recorder::subscribe(mta::MailEvents& events) {
  Impl* impl = impl_.get();
  if (impl->level() != RecordLevel::kFull) {
    events.attempt_transcripts = false;
    events.delivered_headers = false;
  }
  events.message_created.connect([impl](const mta::MessageCreated& e) {
    if (impl->batch()) impl->on_created(e);
  });
  events.message_queued.connect([impl](const mta::MessageQueued& e) {
    if (impl->batch()) impl->on_queued(e);
  });
  events.attempt_finished.connect([impl](const mta::AttemptFinished& e) {
    if (impl->batch()) impl->on_attempt(e);
  });
  events.recipient_final.connect([impl](const mta::RecipientFinal& e) {
    if (impl->batch()) impl->on_final(e);
  });
  events.delivery_deferred.connect([impl](const mta::DeliveryDeferred& e) {
    if (impl->batch()) impl->on_deferred(e);
  });
  events.message_finished.connect([impl](const mta::MessageFinished& e) {
    if (impl->batch()) impl->on_finished(e);
  });
  events.service_changed.connect([impl](const mta::ServiceChange& e) {
    if (impl->batch()) impl->on_state(e.kind, e.mta, e.up, e.at);
  });
}

void Recorder::subscribe(net::Network& network) {
  Impl* impl = impl_.get();
  network.state_changed.connect([impl](const net::StateChange& e) {
    const bool host = e.what == net::StateChange::What::kHost;
    if (impl->batch()) impl->on_state(host ? "host_down" : "link_down", e.target, e.up, e.at);
  });
}

void Recorder::subscribe(dns::Resolver& resolver) {
  Impl* impl = impl_.get();
  resolver.availability_changed.connect([impl](const dns::AvailabilityChange& e) {
    if (impl->batch()) impl->on_state("dns_down", "dns", e.up, e.at);
  });
}

void Recorder::finish(Time sim_end) { impl_->finish(sim_end, "completed"); }

void Recorder::fail(Time sim_end) { impl_->finish(sim_end, "failed"); }

void Recorder::finish_interrupted(Time sim_end) { impl_->finish(sim_end, "interrupted"); }

Summary Recorder::summary() { return impl_->summary(); }

}  // namespace mailsim::record
