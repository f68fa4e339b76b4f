#include "record/summary_tallies.h"

#include <algorithm>
#include <tuple>
#include <utility>

#include "record/by_message.h"
#include "record/results_db.h"

namespace mailsim::record {
namespace {

// Nearest-rank percentile: the value at rank ceil(p/100 * n), 1-based, of the values in
// ascending order. Reorders `values` only as far as std::nth_element does: a few
// percentiles of a million values cost a few linear passes rather than a sort.
double nearest_rank(std::vector<double>& values, int percent) {
  if (values.empty()) return 0;
  const std::size_t n = values.size();
  std::size_t rank = (static_cast<std::size_t>(percent) * n + 99) / 100;
  if (rank < 1) rank = 1;
  const auto at = values.begin() + static_cast<std::ptrdiff_t>(rank - 1);
  std::nth_element(values.begin(), at, values.end());
  return *at;
}

std::optional<double> optional_double(const sql::Statement& row, int col) {
  if (row.is_null(col)) return std::nullopt;
  return row.column_double(col);
}

// The attempts of one MTA that carried one recipient of a message.
struct Carrier {
  std::string rcpt;
  std::string node;
  std::int64_t attempts = 0;
  std::int64_t last_attempt_id = 0;
};

// Reads a message's attempt rows (msg_id, rcpt, from_node, attempt_id) into `carriers`,
// one per (rcpt, node) in that order. Sorted rather than searched row by row, so that a
// message to many recipients costs n log n, not n squared.
void read_carriers(ByMessage& attempts, std::int64_t msg, std::vector<Carrier>& carriers) {
  carriers.clear();
  attempts.each(msg, [&carriers](const sql::Statement& row) {
    carriers.push_back(Carrier{.rcpt = row.column_text(1),
                               .node = row.column_text(2),
                               .attempts = 1,
                               .last_attempt_id = row.column_int(3)});
  });
  const auto key = [](const Carrier& c) { return std::tie(c.rcpt, c.node); };
  std::sort(carriers.begin(), carriers.end(),
            [&](const Carrier& a, const Carrier& b) { return key(a) < key(b); });
  std::size_t kept = 0;  // carriers[kept] is the last one kept; equal ones merge into it
  for (std::size_t i = 1; i < carriers.size(); ++i) {
    Carrier& into = carriers[kept];
    if (key(carriers[i]) == key(into)) {
      into.attempts += carriers[i].attempts;
      into.last_attempt_id = std::max(into.last_attempt_id, carriers[i].last_attempt_id);
    } else if (++kept != i) {
      carriers[kept] = std::move(carriers[i]);
    }
  }
  if (!carriers.empty()) carriers.resize(kept + 1);
}

// The carrier answerable for `rcpt`: most attempts, then the latest; null when none.
// `carriers` as read_carriers() leaves them.
const Carrier* answerable(const std::vector<Carrier>& carriers, const std::string& rcpt) {
  const Carrier* best = nullptr;
  auto it = std::lower_bound(carriers.begin(), carriers.end(), rcpt,
                             [](const Carrier& c, const std::string& r) { return c.rcpt < r; });
  for (; it != carriers.end() && it->rcpt == rcpt; ++it) {
    const Carrier& c = *it;
    if (best == nullptr || c.attempts > best->attempts ||
        (c.attempts == best->attempts && c.last_attempt_id > best->last_attempt_id)) {
      best = &c;
    }
  }
  return best;
}

}  // namespace

void FiguresBuilder::add(std::string_view status, std::optional<double> latency_s,
                         std::int64_t attempts) {
  ++f_.count;
  if (status == "delivered") {
    ++f_.delivered;
    if (latency_s) latencies_.push_back(*latency_s);
  } else if (status == "bounced") {
    ++f_.bounced;
  } else if (status == "expired") {
    ++f_.expired;
  } else if (status == "queued") {
    ++f_.queued;
  }
  f_.attempts += attempts;
}

RecipientFigures FiguresBuilder::take() {
  f_.latency_p50_s = nearest_rank(latencies_, 50);
  f_.latency_p90_s = nearest_rank(latencies_, 90);
  f_.latency_p99_s = nearest_rank(latencies_, 99);
  f_.latency_max_s = nearest_rank(latencies_, 100);
  if (f_.count > 0) {
    f_.attempts_per_recipient = static_cast<double>(f_.attempts) / static_cast<double>(f_.count);
  }
  return f_;
}

RecipientTallies tally_recipients(sql::Database& db, std::int64_t run,
                                  const std::map<std::string, std::string>& retry_policy_of) {
  RecipientTallies t;
  sql::Statement messages = of_run(
      db, "SELECT msg_id, kind, client_kind FROM message WHERE run_id = ? ORDER BY msg_id", run);
  ByMessage recipients(of_run(db,
                              "SELECT msg_id, rcpt, status, latency_s, attempts FROM recipient"
                              " WHERE run_id = ? ORDER BY msg_id",
                              run));
  ByMessage attempts(of_run(db,
                            "SELECT a.msg_id, ar.rcpt, a.from_node, a.attempt_id FROM attempt a"
                            " JOIN attempt_recipient ar USING (run_id, attempt_id)"
                            " WHERE a.run_id = ? ORDER BY a.msg_id",
                            run));
  ByMessage deferrals(
      of_run(db, "SELECT msg_id FROM deferral WHERE run_id = ? ORDER BY msg_id", run));
  std::vector<Carrier> carriers;  // the current message's, reused
  while (messages.step()) {
    const std::int64_t msg = messages.column_int(0);
    const std::string kind = messages.column_text(1);
    if (kind == "bounce") ++t.bounces;
    if (kind == "warning") ++t.warnings;
    if (kind != "user") continue;
    ++t.user_messages;
    FiguresBuilder* by_kind =
        messages.is_null(2) ? nullptr : &t.by_client_kind[messages.column_text(2)];
    read_carriers(attempts, msg, carriers);
    recipients.each(msg, [&](const sql::Statement& row) {
      const std::string rcpt = row.column_text(1);
      const std::string status = row.column_text(2);
      const std::optional<double> latency_s = optional_double(row, 3);
      const std::int64_t n = row.column_int(4);
      t.user.add(status, latency_s, n);
      if (by_kind != nullptr) by_kind->add(status, latency_s, n);
      if (const Carrier* c = answerable(carriers, rcpt)) {
        const auto policy = retry_policy_of.find(c->node);
        if (policy != retry_policy_of.end() && !policy->second.empty()) {
          t.by_retry_policy[policy->second].add(status, latency_s, n);
        }
      }
    });
    deferrals.each(msg, [&t](const sql::Statement&) { ++t.user_deferrals; });
  }
  return t;
}

namespace {

struct Arrival {
  std::string node;
  std::optional<std::string> from_node;
  double arrived_s;
};
struct Delivery {
  std::string node;
  double delivered_s;
};

// When the stay that began with `a` ended, from the message's arrivals and deliveries.
std::optional<double> stay_end(const Arrival& a, const std::vector<Arrival>& arrivals,
                               const std::vector<Delivery>& deliveries) {
  std::optional<double> end;
  const auto consider = [&](double t) {
    if (t >= a.arrived_s && (!end || t < *end)) end = t;
  };
  for (const Arrival& next : arrivals) {
    if (next.from_node == a.node) consider(next.arrived_s);
  }
  for (const Delivery& d : deliveries) {
    if (d.node == a.node) consider(d.delivered_s);
  }
  return end;
}

}  // namespace

std::map<std::string, NodeStays> tally_stays(sql::Database& db, std::int64_t run) {
  ByMessage hops(of_run(db,
                        "SELECT msg_id, node, from_node, arrived_s FROM hop WHERE run_id = ?"
                        " ORDER BY msg_id, arrived_s, rowid",
                        run));
  ByMessage deliveries(of_run(
      db, "SELECT msg_id, node, delivered_s FROM delivery WHERE run_id = ? ORDER BY msg_id", run));
  std::map<std::string, NodeStays> stays;
  std::vector<Arrival> arrivals;  // the current message's, reused
  std::vector<Delivery> delivered;
  std::int64_t msg = 0;
  while (hops.next(msg)) {
    arrivals.clear();
    hops.each(msg, [&arrivals](const sql::Statement& row) {
      arrivals.push_back({row.column_text(1),
                          row.is_null(2) ? std::nullopt : std::optional(row.column_text(2)),
                          row.column_double(3)});
    });
    delivered.clear();
    deliveries.each(msg, [&delivered](const sql::Statement& row) {
      delivered.push_back({row.column_text(1), row.column_double(2)});
    });
    for (const Arrival& a : arrivals) {
      NodeStays& s = stays[a.node];
      ++s.hops;
      if (const std::optional<double> end = stay_end(a, arrivals, delivered)) {
        ++s.ended;
        s.total_s += *end - a.arrived_s;
      }
    }
  }
  return stays;
}

}  // namespace mailsim::record
