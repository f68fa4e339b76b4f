// The recorder: an observer of the models' MailEvents that writes a run's results to an
// SQLite database (schema: sim/record/schema.sql). It turns events into rows on the
// simulation thread and hands them in batches to its own writer thread, which inserts
// them in transactions, so that simulation and I/O overlap. Not thread-safe: call it
// from the simulation thread only. The MailEvents it subscribes to must not emit after
// the recorder is destroyed.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "mailsim/core/time.h"
#include "mailsim/dns/resolver.h"
#include "mailsim/mta/events.h"
#include "mailsim/mta/mta.h"  // QueueCounts
#include "mailsim/net/network.h"
#include "mailsim/record/summary.h"

namespace mailsim::record {

// What is recorded. kSummary: run, node, link, message, recipient. kAttempts (what
// `mailsim run` records unless told otherwise): and attempt, attempt_recipient, hop,
// delivery (headers NULL), outage, queue_sample, deferral. kFull: and transcript, and
// delivery.headers.
enum class RecordLevel { kSummary, kAttempts, kFull };

const char* to_string(RecordLevel level);
// "summary", "attempts", "full"; anything else throws InputError.
RecordLevel parse_record_level(const std::string& text);

struct RunInfo {
  std::string scenario;
  std::string scenario_sha256;
  std::uint64_t seed = 0;
  std::string version;
  // Which run of a results database this is: mailsim run writes run 1, replication 0;
  // a sweep writes each run into a shard with its own number, point and parameters.
  std::int64_t run_id = 1;
  std::int64_t point = 0;         // 0 -> NULL (not a sweep run)
  std::uint64_t replication = 0;  // the run number of the random streams
  std::vector<std::pair<std::string, std::string>> parameters;  // (path, value) of the point
};

// A node's queue in a sample: `node` numbers it among the names of add_queue_nodes().
struct QueueSample {
  std::size_t node = 0;
  mta::QueueCounts queue;
};

// The run table's parameters column: a JSON object of the values by path, in order.
std::string parameters_json(const std::vector<std::pair<std::string, std::string>>& parameters);

// What may be at the output path already. A file that is not a results database is never
// replaced.
enum class Existing {
  kRefuse,          // anything there is an InputError
  kReplaceResults,  // an earlier results database (of any status) is replaced
};

// How Recorder::summary() gets the figures that take every message's rows.
enum class Summarise {
  // Reads them from the file at the run's end (seconds for a million messages): for a
  // caller that prints no summary, or rarely asks for one.
  kReadBack,
  // Tallies them on the writer thread as it writes the rows, ready at the run's end: about
  // 0.9 s of the writer's CPU for isp-scale at attempts, and memory for the messages in
  // flight and for the delivered recipients' latencies, which grow with the run (24 bytes
  // each).
  kAsWritten,
};

class Recorder {
 public:
  // Creates the database at `path` and writes the run row with status 'running'. Throws
  // InputError when the file cannot be created, is a folder, or exists and `existing`
  // does not allow replacing it.
  Recorder(const std::string& path, RunInfo info, RecordLevel level,
           Existing existing = Existing::kRefuse, Summarise summarise = Summarise::kReadBack);
  // Waits for the writer. Without finish() the run stays 'running', as a killed run would.
  ~Recorder();
  Recorder(const Recorder&) = delete;
  Recorder& operator=(const Recorder&) = delete;

  // `retry_policy`: the name of the retry law of the MTA of that name ("postfix"); empty
  // for a node without one.
  void add_node(std::string name, std::string kind, std::string retry_policy = "");
  void add_link(std::string a, std::string b, std::int64_t bandwidth_bps, double latency_s);
  // Outages and queue samples are ignored at level kSummary.
  void add_outage(std::string target, std::string kind, double start_s, double end_s);
  // Names the nodes whose queues are sampled, once, before the first sample: node i of
  // the samples is names[i].
  void add_queue_nodes(std::vector<std::string> names);
  // A sample of the queues at `t`, later than the previous sample: `changed` holds, in
  // node order, the nodes whose counts may differ from the previous sample's (every node
  // at the first sample); the others kept theirs. A node's sample becomes a row when it
  // is the node's first, when its counts differ from the node's previous sample, or (at
  // finish()) when it is the last sample: the rows say when each queue changed.
  void add_queue_sample(Time t, std::span<const QueueSample> changed);

  // Connects to the MTA events (service changes included). The recorder must outlive the
  // connections. Below level full it turns events.attempt_transcripts and
  // events.delivered_headers off.
  void subscribe(mta::MailEvents& events);
  // Turns the network's host and link state changes into outage rows (a down paired with
  // the next up; one still down at finish() ends at the end of the run).
  void subscribe(net::Network& network);
  // Turns the resolver's outages (dns_down faults) into outage rows with target "dns".
  void subscribe(dns::Resolver& resolver);

  // Writes the recipient rows (a recipient never finalized is 'queued'), marks the run
  // 'completed' at `sim_end` and waits until everything is on disk. Call at most once;
  // rows added afterwards are ignored. Throws std::runtime_error if the writer failed
  // (disk full, a duplicate node name). The writer's error comes sooner too: rows are
  // handed to it in batches, and once a batch has failed, the next hand-over throws, from
  // whichever call added the row that filled a batch (an add_* call or an event handler),
  // so that the run stops within two batches of the failure. The run is then marked
  // 'failed' in the file, or stays 'running' when the file can no longer be written.
  void finish(Time sim_end);
  // Like finish(), but marks the run 'failed': the simulation stopped on an error at
  // `sim_end`, and the rows say what happened until then.
  void fail(Time sim_end);
  // Like finish(), but marks the run 'interrupted': it was stopped on request (a signal)
  // at `sim_end`, and the rows say what happened until then.
  void finish_interrupted(Time sim_end);

  // After finish(), fail() or finish_interrupted(): the run's summary, the one
  // read_summary() reads from the file, its figures made as the constructor's `summarise`
  // says. Throws std::logic_error before the run's end, the writer's error as finish()
  // does, and InputError as read_summary() does.
  Summary summary();

  class Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace mailsim::record
