// The summary of a run, read from its results database whatever its status (a killed run
// reads as far as it was written): how many recipients ended in each state, delivery
// latency percentiles and attempts; per node, its queue peak and the mean time messages
// spent there; the same recipient figures per retry policy. What the run's record level
// left out (attempts, hops and queue samples at level summary) reads as absent.
#pragma once

#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

namespace mailsim::record {

// Fates, latency and attempts of a set of recipients.
struct RecipientFigures {
  std::int64_t count = 0;
  std::int64_t delivered = 0;
  std::int64_t bounced = 0;
  std::int64_t expired = 0;
  std::int64_t queued = 0;  // still in a queue when the run ended
  // From the message's creation to delivery, over delivered recipients, nearest-rank;
  // 0 when none was delivered.
  double latency_p50_s = 0;
  double latency_p90_s = 0;
  double latency_p99_s = 0;
  double latency_max_s = 0;
  // Delivery attempts summed over the recipients, all hops (an attempt carrying 3 of
  // them counts 3). Recorded at every level. Connections tried only: a turn deferred
  // without connecting is a deferral (Summary::deferrals), not an attempt.
  std::int64_t attempts = 0;
  double attempts_per_recipient = 0;  // 0 when there are no recipients
};

struct NodeSummary {
  std::string name;
  std::string kind;          // host, router or mta
  std::string retry_policy;  // empty for a node without an MTA
  // Messages that entered its queue (hops), and the mean time from arrival until they
  // were passed on or delivered, over those that were; absent when none was.
  std::int64_t messages = 0;
  std::optional<double> mean_time_s;
  // The largest incoming + active + deferred of its queue samples; absent without
  // samples.
  std::optional<std::int64_t> peak_queue;
};

// The recipients for which an MTA with this retry law made most of the attempts (on a
// tie, the MTA that tried last: the schema's recipient_retry_policy view).
struct PolicySummary {
  std::string policy;
  std::vector<std::string> nodes;  // its MTAs, in node order
  RecipientFigures recipients;
};

// The recipients of user mail submitted through one client kind (message.client_kind:
// local, desktop, webmail).
struct ClientKindSummary {
  std::string kind;
  RecipientFigures recipients;
};

struct Summary {
  std::int64_t run_id = 1;
  std::optional<std::int64_t> point;  // the sweep's parameter point; absent for mailsim run
  std::uint64_t replication = 0;      // the run number of the random streams
  std::string parameters = "{}";      // JSON object: the point's values by path
  std::string scenario;
  std::string status;  // running, completed, interrupted, failed
  std::string record_level;
  std::uint64_t seed = 0;
  std::optional<double> sim_end_s;  // absent while the run is 'running'
  // User mail only: the bounces and warnings the MTAs sent are counted apart, so that a
  // bounce delivered in no time does not lower the latencies.
  std::int64_t messages = 0;
  RecipientFigures recipients;
  std::int64_t bounces_sent = 0;   // messages of kind bounce
  std::int64_t warnings_sent = 0;  // messages of kind warning (delay notices)
  // Recipients' turns of user mail deferred without connecting (the deferral table: a
  // dead destination, a failed DNS lookup); 0 at record level summary.
  std::int64_t deferrals = 0;
  std::vector<NodeSummary> nodes;  // in node order
  // One entry per retry policy of the run's MTAs, in order of their first node; figures
  // are zero at record level summary, which keeps no attempt rows.
  std::vector<PolicySummary> retry_policies;
  // One entry per client kind that submitted user mail, by name.
  std::vector<ClientKindSummary> client_kinds;
};

// One run's summary: `run_id`, or the first run when 0. Throws InputError when `db_path`
// is missing or not a mailsim results database, or holds no run `run_id`. A database
// without its indexes (a run killed before its end) gets them first where it may be
// written; `notes`, when given, gets a line saying so (as for trace and check).
Summary read_summary(const std::string& db_path, std::int64_t run_id = 0,
                     std::ostream* notes = nullptr);
// Every run's summary, in run order (a sweep's database holds many).
std::vector<Summary> read_summaries(const std::string& db_path, std::ostream* notes = nullptr);

// A short table for people; durations rounded to milliseconds so the text is stable. A
// "notices" line counts the bounces and warnings sent, when there were any. When the
// run's MTAs use more than one retry policy, a block per policy follows; when user mail
// came through more than one client kind, a block per kind. At record level summary,
// which keeps no attempt or deferral rows, the deferrals and the policies' figures are
// said to be not recorded rather than printed as zeros (the JSON keeps its zeros, with
// record_level beside them).
void print_summary(const Summary& summary, std::ostream& out);

// The summary as one JSON object on one line (`mailsim report --json`). Its keys, which
// stay stable (new keys may be added; none is renamed or removed without raising
// report_format):
//   report_format (1); for a sweep's run only: run_id, point, replication, parameters
//   (an object: the point's values by path); scenario, seed, status,
//   record_level, sim_end_s (null while running), messages (user mail), bounces_sent,
//   warnings_sent, then the recipient figures of user mail: recipients, delivered, bounced,
//   expired, queued, latency_p50_s, latency_p90_s, latency_p99_s, latency_max_s (null
//   when nothing was delivered), attempts, attempts_per_recipient, deferrals;
//   nodes: [{name, kind, retry_policy (null without an MTA), messages, mean_time_s,
//   peak_queue (null when absent)}];
//   retry_policies: [{policy, nodes: [names], and the recipient figures}];
//   client_kinds: [{kind, and the recipient figures}].
// Times are seconds of simulated time, as exact as the database holds them.
void print_summary_json(const Summary& summary, std::ostream& out);

}  // namespace mailsim::record
