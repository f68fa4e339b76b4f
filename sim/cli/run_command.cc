// mailsim run / validate: load a scenario, build the world, record to SQLite, summarise.
#include <openssl/evp.h>
#include <sched.h>
#include <unistd.h>

#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <sstream>

#include "cli/commands.h"
#include "cli/interrupt.h"
#include "cli/options.h"
#include "cli/retry_name.h"
#include "cli/run_driver.h"
#include "cli/run_recording.h"
#include "mailsim/core/error.h"
#include "mailsim/record/recorder.h"
#include "mailsim/record/summary.h"
#include "mailsim/scenario/analysis.h"
#include "mailsim/scenario/world.h"

namespace mailsim::cli {

namespace {

std::uint64_t parse_seed(const std::string& text) {
  std::uint64_t seed = 0;
  const char* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, seed);
  if (text.empty() || ec != std::errc() || ptr != end) {
    throw InputError("'" + text + "' is not a seed",
                     "give a whole number from 0 to 18446744073709551615",
                     {"command line", 0, 0, "--seed"});
  }
  return seed;
}

Duration parse_duration_option(const std::string& text, const char* key) {
  try {
    return parse_duration(text);
  } catch (const InputError& e) {
    throw e.at({"command line", 0, 0, key});
  }
}

struct RunOptions {
  std::string scenario_path;
  std::string out;
  Duration until;
  Duration sample_interval;
  record::RecordLevel level = record::RecordLevel::kAttempts;
  record::Existing existing = record::Existing::kRefuse;
  bool quiet = false;
};

// The simulation's speed, after the summary: the events the engine executed and the
// wall-clock time of the simulation loop (recording overlaps it on its own thread; loading
// the scenario and closing the results file are not counted).
void print_speed(std::uint64_t events, double wall_s) {
  char line[160];
  std::snprintf(line, sizeof line,
                "events      %llu in %.3f s of wall-clock time (%.3g events/s)\n",
                static_cast<unsigned long long>(events), wall_s,
                wall_s > 0 ? static_cast<double>(events) / wall_s : 0.0);
  std::cout << line;
}

// The sender groups' arrivals are made on a thread of their own when this process may run
// on more than one CPU: the simulation thread is what a run waits for, and the recorder's
// writer leaves the second CPU partly idle.
workload::ArrivalThread arrivals_for_this_process() {
  cpu_set_t cpus;
  CPU_ZERO(&cpus);
  const bool several = sched_getaffinity(0, sizeof cpus, &cpus) == 0 && CPU_COUNT(&cpus) > 1;
  return several ? workload::ArrivalThread::kOwn : workload::ArrivalThread::kSimulation;
}

// Simulates with the recorder subscribed. Returns the exit status: 0, or the status for
// the signal that stopped the run.
int simulate(scenario::ScenarioConfig config_in, const RunOptions& o) {
  scenario::World world(std::move(config_in));
  const scenario::ScenarioConfig& config = world.config();
  for (const auto& mta : world.mtas()) mta->drop_mailbox_copies();  // the recorder has them
  const StopOnSignals signals;  // from before the results file exists to the end
  // The summary printed at the end is tallied as the rows are written: reading it back
  // took 3.6-3.9 s after isp-scale's simulation.
  record::Recorder recorder(
      o.out, {config.name, sha256_of_file(o.scenario_path), config.seed, MAILSIM_VERSION}, o.level,
      o.existing, o.quiet ? record::Summarise::kReadBack : record::Summarise::kAsWritten);
  record_layout(config, recorder);
  recorder.add_queue_nodes(sampled_names(world));
  recorder.subscribe(world.events());
  recorder.subscribe(world.network());
  recorder.subscribe(world.resolver());
  const DriveOptions drive_options{Time::zero() + o.until, o.sample_interval,
                                   !o.quiet && isatty(STDERR_FILENO) != 0,
                                   arrivals_for_this_process()};
  bool completed = false;
  const auto wall_start = std::chrono::steady_clock::now();
  try {
    completed = drive(
        world, drive_options,
        [&recorder](Time at, std::span<const record::QueueSample> changed) {
          recorder.add_queue_sample(at, changed);
        },
        [&signals] { return signals.received() != 0; });
  } catch (...) {
    recorder.fail(world.simulator().now());
    throw;
  }
  const Time end = world.simulator().now();
  const double wall_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
  if (completed) {
    recorder.finish(end);
  } else {
    recorder.finish_interrupted(end);
  }
  if (!o.quiet) {
    record::print_summary(recorder.summary(), std::cout);
    print_speed(world.simulator().executed(), wall_s);
    std::cout << "results: " << o.out << "\n";
  }
  if (completed) return 0;
  std::cerr << "mailsim: " << signal_name(signals.received()) << ": stopped at simulated "
            << format_clock(end) << "; " << o.out << " holds the run so far, marked interrupted\n";
  return exit_status_for_signal(signals.received());
}

}  // namespace

// Exit status: 0, 2 for bad input (an existing results file without --force among it),
// 130 or 143 when SIGINT or SIGTERM stopped the run (its results are kept).
int run_command(const Args& args) {
  po::options_description options("options");
  std::string until_text, level_text, seed_text, interval_text;
  RunOptions o;
  options.add_options()("scenario", po::value(&o.scenario_path)->required(), "the scenario file")(
      "output,o", po::value(&o.out), "results database (default: <scenario name>.db here)")(
      "force", "replace an earlier results database at the output path")(
      "seed", po::value(&seed_text), "override the scenario's seed")(
      "until", po::value(&until_text), "simulate this long (default: the scenario's duration)")(
      "record", po::value(&level_text)->default_value("attempts"),
      "summary (runs, messages, recipients), attempts (and attempts, hops, deliveries, "
      "deferrals, outages, queue samples) or full (and SMTP transcripts and delivered "
      "copies' header blocks)")("queue-sample-interval",
                                po::value(&interval_text)->default_value("60s"),
                                "sample every MTA's queue this often, in simulated time")(
      "quiet,q", "no progress and no summary");
  po::positional_options_description positional;
  positional.add("scenario", 1);
  po::variables_map vm;
  if (!parse_options("run", "SCENARIO.yaml [options]", args, options, positional, vm)) return 0;

  scenario::ScenarioConfig config = scenario::load_scenario(o.scenario_path);
  if (vm.count("seed") != 0) config.seed = parse_seed(seed_text);
  o.until = until_text.empty() ? config.duration : parse_duration_option(until_text, "--until");
  o.sample_interval = parse_duration_option(interval_text, "--queue-sample-interval");
  if (o.sample_interval <= Duration()) {
    throw InputError("the queue sample interval must be positive", "for example 60s or 5m",
                     {"command line", 0, 0, "--queue-sample-interval"});
  }
  try {
    o.level = record::parse_record_level(level_text);
  } catch (const InputError& e) {
    throw e.at({"command line", 0, 0, "--record"});
  }
  if (o.out.empty()) o.out = config.name + ".db";
  if (vm.count("force") != 0) o.existing = record::Existing::kReplaceResults;
  o.quiet = vm.count("quiet") != 0;
  return simulate(std::move(config), o);
}

namespace {

// 1234567 as "1,234,567".
std::string grouped(std::uint64_t value) {
  std::string digits = std::to_string(value);
  for (auto i = static_cast<std::ptrdiff_t>(digits.size()) - 3; i > 0; i -= 3)
    digits.insert(static_cast<std::size_t>(i), ",");
  return digits;
}

std::string count_of(std::uint64_t count, const std::string& what) {
  return grouped(count) + " " + what + (count == 1 ? "" : "s");
}

// The explicit messages, the bursts' and the messages the sender groups send on average
// over the duration: "1 message to 1 recipient, and 2 sender groups expecting about 1,000
// messages in 1d".
std::string traffic_line(const scenario::ScenarioSummary& s, Duration duration) {
  std::string line = count_of(s.messages, "message") + " to " + count_of(s.recipients, "recipient");
  if (s.burst_messages > 0) {
    line += ", bursts of " + count_of(s.burst_messages, "message") + " to " +
            count_of(s.burst_recipients, "recipient");
  }
  if (s.groups > 0) {
    const auto expected = static_cast<std::uint64_t>(std::llround(s.group_messages));
    line += ", and " + count_of(s.groups, "sender group") + " expecting about " +
            grouped(expected) + " message" + (expected == 1 ? "" : "s") + " in " +
            to_string(duration);
  }
  return line;
}

}  // namespace

int validate_command(const Args& args) {
  std::string scenario_path;
  if (!parse_file_argument("validate", "SCENARIO.yaml", "scenario", "the scenario file", args,
                           scenario_path)) {
    return 0;
  }
  const scenario::ScenarioConfig c = scenario::load_scenario(scenario_path);
  const scenario::ScenarioSummary s = scenario::summarize(c);
  const auto n = [](std::size_t count, const std::string& what) {
    return std::to_string(count) + " " + what + (count == 1 ? "" : "s");
  };
  std::cout << c.file << ": scenario '" << c.name << "' is valid\n"
            << "  network  " << n(s.hosts, "host") << " (" << n(s.routers, "router") << "), "
            << n(s.links, "link") << "\n"
            << "  mail     " << n(s.mtas, "MTA") << ", " << n(s.domains, "domain") << ", "
            << n(s.mx_records, "MX record") << "\n"
            << "  traffic  " << traffic_line(s, c.duration) << "\n"
            << "  faults   " << n(s.faults, "fault") << ": " << n(s.outage_windows, "outage window")
            << ", " << to_string(s.down_time) << " down in all\n"
            << "  run      seed " << c.seed << ", duration " << to_string(c.duration) << "\n";
  for (const std::string& w : scenario::warnings(c)) std::cout << "warning: " << w << "\n";
  return 0;
}

}  // namespace mailsim::cli
