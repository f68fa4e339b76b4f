// The rows the recorder hands to its writer thread, one struct per table (attempts carry
// their per-recipient results and transcript). Plain values, moved across threads in
// whole batches; a string_view in a row views its batch's text (TextArena).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mailsim/mta/events.h"
#include "record/text_arena.h"

namespace mailsim::record {

struct NodeRow {
  std::string name;
  std::string kind;
  std::string retry_policy;  // empty -> NULL
};

struct LinkRow {
  std::string a;
  std::string b;
  std::int64_t bandwidth_bps = 0;
  double latency_s = 0;
};

struct MessageRow {
  mta::MessageNumber msg = 0;
  std::string_view message_id;
  std::string_view sender;
  std::int64_t size_bytes = 0;
  std::string_view origin;
  double created_s = 0;
  std::string_view kind;         // a string literal (mta::to_string)
  mta::MessageNumber about = 0;  // the message a bounce or warning reports on; else 0
  std::string_view client_kind;  // empty -> NULL
};

// A recipient of a message in flight, as the recorder's tally sums up its events.
struct RecipientTotals {
  std::string rcpt;
  std::optional<mta::FinalStatus> status{};
  std::string final_node{};
  Time final_at{};
  std::int64_t attempts = 0;
  int last_code = 0;
  std::string last_reply{};
};

// A message that nothing more can happen to, or the run's end found in flight, with its
// recipients in the order they were first named: its rows of the recipient table are made
// from it on the writer thread (recipient_row).
struct TalliedMessage {
  mta::MessageNumber msg = 0;
  std::optional<Time> created;
  std::vector<RecipientTotals> recipients;
};

// One event's part in the recipient tally, logged on the simulation thread in the order
// the events come and replayed in that order on the writer's (RecipientTally::apply): the
// tally's lookups and copies are the writer's work. Its text views its batch's.
struct TallyStep {
  enum class Kind : std::uint8_t {
    kCreated,    // created without recipients: at
    kNamed,      // created, naming a recipient: at, rcpt
    kAttempted,  // a recipient's result in an attempt: rcpt, code, enhanced, reply (its text)
    kFinal,      // a recipient's final state: rcpt, status, node, at, code (0: none), reply
    kFinished,   // nothing more can happen to the message (MessageFinished)
  };
  Kind kind = Kind::kCreated;
  mta::FinalStatus status = mta::FinalStatus::kDelivered;
  int code = 0;
  mta::MessageNumber msg = 0;
  Time at{};
  std::string_view rcpt{};
  std::string_view node{};
  std::string_view enhanced{};
  std::string_view reply{};
};

// A row of the recipient table; its text views its TalliedMessage.
struct RecipientRow {
  // Orders the table (its SQLite rowid): rows are written as messages finish, and stored
  // as if written in message number order (recipient_rowid).
  std::int64_t rowid = 0;
  mta::MessageNumber msg = 0;
  std::string_view rcpt;
  std::string_view status;          // a string literal: queued, delivered, bounced, expired
  std::string_view final_node{};    // empty -> NULL
  std::optional<double> final_s{};  // when the final state was reached
  std::optional<double> delivered_s{};
  std::optional<double> latency_s{};
  std::int64_t attempts = 0;
  int last_code = 0;  // 0 -> NULL
  std::string_view last_reply{};
};

// mta::MessageQueued with its text in the batch.
struct HopRow {
  mta::MessageNumber msg = 0;
  std::string_view node;
  std::string_view queue_id;
  std::string_view from_node;  // empty -> NULL
  Time at;
};

// mta::AttemptFinished with its text in the batch, its recipients and transcript in rows of
// their own: a field added there is recorded only once it is added here too.
struct AttemptRow {
  std::int64_t attempt_id = 0;
  mta::MessageNumber msg = 0;
  std::string_view from_node;
  std::string_view to_node;
  Time started;
  Time ended;
  mta::AttemptOutcome outcome = mta::AttemptOutcome::kDeferred;
  int code = 0;
  std::string_view enhanced;  // empty -> NULL
  std::string_view text;      // empty -> NULL
  std::int64_t bytes = 0;
};

struct AttemptRecipientRow {
  std::int64_t attempt_id = 0;
  std::string_view rcpt;
  mta::RecipientOutcome outcome = mta::RecipientOutcome::kDeferred;
  int code = 0;
  std::string_view enhanced;  // empty -> NULL
  std::string_view text;      // empty -> NULL
};

// One line of an attempt's transcript (level full only).
struct TranscriptRow {
  std::int64_t attempt_id = 0;
  std::int64_t seq = 0;  // from 1 in each attempt
  Time at;
  char direction = 'C';
  std::string_view line;
};

// One recipient of a turn deferred without connecting (table deferral).
struct DeferralRow {
  mta::MessageNumber msg = 0;
  std::string_view rcpt;
  std::string_view node;
  std::string_view nexthop;
  double t_s = 0;
  std::string_view kind;
  int code = 0;
  std::string_view enhanced;  // empty -> NULL
  std::string_view text;
};

struct DeliveryRow {
  mta::MessageNumber msg = 0;
  std::string_view rcpt;
  std::string_view node;
  double delivered_s = 0;
  std::string_view headers;  // empty below level full: NULL in the file
};

struct OutageRow {
  std::string target;
  std::string kind;
  double start_s = 0;
  double end_s = 0;
};

struct QueueSampleRow {
  std::string node;
  double t_s = 0;
  std::int64_t incoming = 0;
  std::int64_t active = 0;
  std::int64_t deferred = 0;
};

struct RunEnd {
  std::string status;  // completed, interrupted or failed
  double sim_end_s = 0;
  std::string finished_at;
};

// Rows per batch handed to the writer: large enough for cheap transactions, small enough
// that the writer starts early and memory stays flat.
inline constexpr std::size_t kBatchRows = 4096;

// A batch's vectors and text keep their memory through clear(), so that a batch the
// writer is done with can be filled again (Writer::spare). clear() names every field.
struct Batch {
  void clear() {
    nodes.clear();
    links.clear();
    messages.clear();
    hops.clear();
    attempts.clear();
    attempt_recipients.clear();
    transcript.clear();
    deliveries.clear();
    outages.clear();
    queue_samples.clear();
    deferrals.clear();
    tally.clear();
    run_end.reset();
    rows = 0;
    text.clear();
  }

  std::vector<NodeRow> nodes;
  std::vector<LinkRow> links;
  std::vector<MessageRow> messages;
  std::vector<HopRow> hops;
  std::vector<AttemptRow> attempts;
  // The attempts' recipients and transcript lines, in the order of the attempts.
  std::vector<AttemptRecipientRow> attempt_recipients;
  std::vector<TranscriptRow> transcript;
  std::vector<DeliveryRow> deliveries;
  std::vector<OutageRow> outages;
  std::vector<QueueSampleRow> queue_samples;
  std::vector<DeferralRow> deferrals;
  std::vector<TallyStep> tally;  // what the recipient table's rows are made from
  // Marks the run as ended, after all other rows (the messages still in flight among them).
  std::optional<RunEnd> run_end;
  std::size_t rows = 0;  // rows added so far, for deciding when to hand it over
  TextArena text;        // what the rows' string_views view
};
// A field added to Batch must be cleared by clear(), or a refilled batch would carry the last
// one's rows: this fails to compile until the size below (libstdc++'s, 64-bit) is updated.
#if defined(__GLIBCXX__) && defined(__x86_64__)
static_assert(sizeof(Batch) == 424, "a new field of Batch: clear it in Batch::clear()");
#endif

}  // namespace mailsim::record
