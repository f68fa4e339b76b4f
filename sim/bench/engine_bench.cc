#include "mailsim/bench/engine_bench.h"

#include <algorithm>
#include <iomanip>
#include <optional>
#include <sstream>

#include "mailsim/bench/hold_model.h"
#include "ns3_peer.h"
#include "simpy_peer.h"

namespace mailsim::bench {

namespace {

constexpr std::size_t kTargetSize = 10'000;
constexpr double kTargetRate = 10e6;      // events/s at kTargetSize
constexpr double kTargetRatio = 5;        // over ns-3, at every size
constexpr double kSimpyTargetRatio = 50;  // over SimPy, at every size

struct Row {
  HoldPlan plan;
  double mailsim_rate = 0;
  std::optional<double> ns3_rate;
  std::optional<double> simpy_rate;
  std::optional<double> ratio() const {
    if (!ns3_rate) {
      return std::nullopt;
    }
    return mailsim_rate / *ns3_rate;
  }
  std::optional<double> simpy_ratio() const {
    if (!simpy_rate) {
      return std::nullopt;
    }
    return mailsim_rate / *simpy_rate;
  }
};

// The peers found for this invocation; a peer that fails once is dropped for the rest.
struct Peers {
  std::optional<std::string> ns3;
  std::optional<std::string> simpy;
};

// The best run: on a shared machine, other load only ever slows a run down.
double best(const std::vector<double>& rates) {
  return *std::max_element(rates.begin(), rates.end());
}

std::string with_commas(std::uint64_t n) {
  std::string digits = std::to_string(n);
  for (int at = static_cast<int>(digits.size()) - 3; at > 0; at -= 3) {
    digits.insert(static_cast<std::size_t>(at), ",");
  }
  return digits;
}

std::string fixed(double value, int decimals, std::string_view suffix) {
  std::ostringstream text;
  text << std::fixed << std::setprecision(decimals) << value << suffix;
  return text.str();
}

std::string millions(double rate) { return fixed(rate / 1e6, 2, " M"); }

// SimPy's runs per size: as many as mailsim's, so that its best is set against
// mailsim's best (a run slowed by other load would flatter mailsim's ratio), but one at a
// million pending events, where making the million processes takes SimPy about 17 s a run.
constexpr std::size_t kSimpyOnceFrom = 1'000'000;

int simpy_runs(std::size_t size, int repetitions) {
  return size < kSimpyOnceFrom ? repetitions : 1;
}

// Runs the repetitions of one size, mailsim and ns-3 alternating so that changes in the
// machine's load affect both alike, then SimPy's runs.
Row measure(std::size_t size, int repetitions, Peers& peers, std::ostream& out) {
  Row row{default_hold_plan(size), 0, std::nullopt, std::nullopt};
  std::vector<double> mailsim_rates;
  std::vector<double> ns3_rates;
  const std::optional<std::string>& peer = peers.ns3;
  bool ns3_failed = !peer;
  for (int i = 0; i < repetitions; ++i) {
    mailsim_rates.push_back(run_mailsim_hold(row.plan).events_per_second());
    if (ns3_failed) {
      continue;
    }
    std::string error;
    if (auto result = run_ns3_hold(*peer, row.plan, error)) {
      ns3_rates.push_back(result->events_per_second());
    } else {
      out << "ns-3 peer: " << error << "\n";
      ns3_failed = true;
    }
  }
  row.mailsim_rate = best(mailsim_rates);
  if (!ns3_failed) {
    row.ns3_rate = best(ns3_rates);
  } else {
    peers.ns3.reset();
  }
  std::vector<double> simpy_rates;
  for (int i = 0; peers.simpy && i < simpy_runs(size, repetitions); ++i) {
    std::string error;
    if (auto result = run_simpy_hold(*peers.simpy, simpy_hold_plan(size), error)) {
      simpy_rates.push_back(result->events_per_second());
    } else {
      out << "SimPy peer: " << error << "\n";
      peers.simpy.reset();
    }
  }
  if (peers.simpy) row.simpy_rate = best(simpy_rates);
  return row;
}

void print_header(std::ostream& out) {
  std::ostringstream line;
  line << std::setw(11) << "N" << std::setw(12) << "warm-up" << std::setw(12) << "timed"
       << std::setw(15) << "mailsim ev/s" << std::setw(15) << "ns-3 ev/s" << std::setw(9) << "ratio"
       << std::setw(15) << "SimPy ev/s" << std::setw(9) << "ratio"
       << "\n";
  out << line.str();
}

void print_row(const Row& row, std::ostream& out) {
  const auto ratio = row.ratio();
  std::ostringstream line;
  line << std::setw(11) << with_commas(row.plan.size) << std::setw(12)
       << with_commas(row.plan.warmup_events) << std::setw(12) << with_commas(row.plan.timed_events)
       << std::setw(15) << millions(row.mailsim_rate) << std::setw(15)
       << (row.ns3_rate ? millions(*row.ns3_rate) : "n/a") << std::setw(9)
       << (ratio ? fixed(*ratio, 2, "x") : "n/a") << std::setw(15)
       << (row.simpy_rate ? millions(*row.simpy_rate) : "n/a") << std::setw(9)
       << (row.simpy_ratio() ? fixed(*row.simpy_ratio(), 0, "x") : "n/a") << "\n";
  out << line.str() << std::flush;
}

void print_rate_target(const std::vector<Row>& rows, std::ostream& out) {
  out << "target: >= " << millions(kTargetRate) << " events/s at N=" << with_commas(kTargetSize)
      << ": ";
  const auto row = std::find_if(rows.begin(), rows.end(),
                                [](const Row& r) { return r.plan.size == kTargetSize; });
  if (row == rows.end()) {
    out << "not measured (N=" << with_commas(kTargetSize) << " was not run)\n";
    return;
  }
  out << (row->mailsim_rate >= kTargetRate ? "met" : "MISSED") << " ("
      << millions(row->mailsim_rate) << ")\n";
}

void print_ratio_target(const std::vector<Row>& rows, bool have_peer, std::ostream& out) {
  out << "target: >= " << fixed(kTargetRatio, 0, "x") << " ns-3 at every N: ";
  const bool all_measured =
      !rows.empty() &&
      std::all_of(rows.begin(), rows.end(), [](const Row& r) { return r.ns3_rate.has_value(); });
  if (!all_measured) {
    out << "not measured (" << (have_peer ? "the ns-3 peer failed" : "no ns-3 peer") << ")\n";
    return;
  }
  const Row& worst = *std::min_element(
      rows.begin(), rows.end(), [](const Row& a, const Row& b) { return *a.ratio() < *b.ratio(); });
  out << (*worst.ratio() >= kTargetRatio ? "met" : "MISSED") << " (lowest "
      << fixed(*worst.ratio(), 2, "x") << " at N=" << with_commas(worst.plan.size) << ")\n";
}

void print_simpy_target(const std::vector<Row>& rows, bool have_peer, std::ostream& out) {
  out << "target: >= " << fixed(kSimpyTargetRatio, 0, "x") << " SimPy at every N: ";
  const bool all_measured = !rows.empty() && std::all_of(rows.begin(), rows.end(), [](auto& r) {
    return r.simpy_rate.has_value();
  });
  if (!all_measured) {
    out << "not measured (" << (have_peer ? "the SimPy peer failed" : "no SimPy peer") << ")\n";
    return;
  }
  const Row& worst = *std::min_element(rows.begin(), rows.end(), [](const Row& a, const Row& b) {
    return *a.simpy_ratio() < *b.simpy_ratio();
  });
  out << (*worst.simpy_ratio() >= kSimpyTargetRatio ? "met" : "MISSED") << " (lowest "
      << fixed(*worst.simpy_ratio(), 0, "x") << " at N=" << with_commas(worst.plan.size) << ")\n";
}

void print_peer(const std::optional<std::string>& peer, const std::string& configured,
                std::ostream& out) {
  if (peer) {
    out << "ns-3 peer: " << *peer << " (ns-3's default scheduler)\n";
  } else if (!configured.empty()) {
    out << "ns-3 peer: " << configured << " is not an executable; comparison skipped\n";
  } else {
    out << "ns-3 peer: not found (" << kNs3HoldProgramName
        << " is built only when ns-3 is found: install the Debian package libns3-dev and "
           "rebuild); comparison skipped\n";
  }
}

}  // namespace

int run_engine_bench(const EngineBenchOptions& options, std::ostream& out) {
  const int repetitions = std::max(options.repetitions, 1);
  const std::optional<std::string> peer = find_ns3_hold_program(options.ns3_program);
  out << "hold model: N pending events, each replaced when it runs by one at now + an "
         "exponential delay (mean "
      << to_string(kHoldMeanDelay) << "); events/s is the best of " << repetitions << " runs\n";
  print_peer(peer, options.ns3_program, out);
  std::string simpy_missing;
  Peers peers{peer, find_simpy_hold_script(simpy_missing)};
  const bool have_simpy = peers.simpy.has_value();
  if (have_simpy) {
    out << "SimPy peer: " << *peers.simpy << " (one process per pending event; "
        << with_commas(simpy_hold_plan(1).timed_events) << " timed events; the best of "
        << simpy_runs(1, repetitions) << " runs, one from N=" << with_commas(kSimpyOnceFrom)
        << ")\n";
  } else {
    out << "SimPy peer: " << simpy_missing << "; comparison skipped\n";
  }
  print_header(out);
  std::vector<Row> rows;
  for (std::size_t size : options.sizes) {
    rows.push_back(measure(size, repetitions, peers, out));
    print_row(rows.back(), out);
  }
  print_rate_target(rows, out);
  print_ratio_target(rows, peer.has_value(), out);
  print_simpy_target(rows, have_simpy, out);
  return 0;
}

}  // namespace mailsim::bench
