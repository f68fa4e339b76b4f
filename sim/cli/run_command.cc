// mailsim run / validate: load a scenario, build the world, record to SQLite, summarise.
#include <openssl/evp.h>
#include <unistd.h>

#include <charconv>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>

#include "cli/commands.h"
#include "cli/options.h"
#include "mailsim/core/error.h"
#include "mailsim/record/recorder.h"
#include "mailsim/record/summary.h"
#include "mailsim/scenario/world.h"

namespace mailsim::cli {

namespace {

std::string sha256_of_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream content;
  content << in.rdbuf();
  const std::string data = content.str();
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(data.data(), data.size(), digest, &length, EVP_sha256(), nullptr);
  std::string hex;
  char buf[3];
  for (unsigned int i = 0; i < length; ++i) {
    std::snprintf(buf, sizeof buf, "%02x", digest[i]);
    hex += buf;
  }
  return hex;
}

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

// Runs the simulation in steps so that a terminal shows progress.
void simulate(scenario::World& world, Time until, bool progress) {
  world.start();
  Simulator& sim = world.simulator();
  if (!progress) return sim.run_until(until);
  constexpr int kSteps = 100;
  for (int i = 1; i <= kSteps; ++i) {
    sim.run_until(Time::zero() + until.since_start() * i / kSteps);
    std::fprintf(stderr, "\rsimulating %3d%%  (simulated %s, %llu events)", i,
                 format_clock(sim.now()).c_str(), static_cast<unsigned long long>(sim.executed()));
  }
  std::fprintf(stderr, "\n");
}

}  // namespace

int run_command(const Args& args) {
  po::options_description options("options");
  std::string scenario_path, out, until_text, level_text, seed_text;
  options.add_options()("scenario", po::value(&scenario_path)->required(), "the scenario file")(
      "output,o", po::value(&out), "results database (default: <scenario name>.db here)")(
      "seed", po::value(&seed_text), "override the scenario's seed")(
      "until", po::value(&until_text), "simulate this long (default: the scenario's duration)")(
      "record", po::value(&level_text)->default_value("full"),
      "summary, attempts or full (with SMTP transcripts)")("quiet,q", "no progress and no summary");
  po::positional_options_description positional;
  positional.add("scenario", 1);
  po::variables_map vm;
  if (!parse_options("run", "SCENARIO.yaml [options]", args, options, positional, vm)) return 0;

  scenario::ScenarioConfig config = scenario::load_scenario(scenario_path);
  if (vm.count("seed") != 0) config.seed = parse_seed(seed_text);
  Duration until = config.duration;
  if (!until_text.empty()) {
    try {
      until = parse_duration(until_text);
    } catch (const InputError& e) {
      throw e.at({"command line", 0, 0, "--until"});
    }
  }
  record::RecordLevel level = record::RecordLevel::kFull;
  try {
    level = record::parse_record_level(level_text);
  } catch (const InputError& e) {
    throw e.at({"command line", 0, 0, "--record"});
  }
  if (out.empty()) out = config.name + ".db";
  const bool quiet = vm.count("quiet") != 0;

  scenario::World world(config);
  record::Recorder recorder(
      out, {config.name, sha256_of_file(scenario_path), config.seed, MAILSIM_VERSION}, level);
  for (const auto& h : config.hosts) recorder.add_node(h.name, h.router ? "router" : "host");
  for (const auto& l : config.links)
    recorder.add_link(l.a, l.b, l.bandwidth.bps(), l.latency.seconds());
  recorder.subscribe(world.events());
  recorder.subscribe(world.network());
  try {
    simulate(world, Time::zero() + until, !quiet && isatty(STDERR_FILENO) != 0);
  } catch (...) {
    recorder.fail(world.simulator().now());
    throw;
  }
  recorder.finish(world.simulator().now());
  if (!quiet) {
    record::print_summary(record::read_summary(out), std::cout);
    std::cout << "results: " << out << "\n";
  }
  return 0;
}

int validate_command(const Args& args) {
  std::string scenario_path;
  if (!parse_file_argument("validate", "SCENARIO.yaml", "scenario", "the scenario file", args,
                           scenario_path)) {
    return 0;
  }
  const scenario::ScenarioConfig c = scenario::load_scenario(scenario_path);
  std::cout << c.file << ": scenario '" << c.name << "' is valid\n"
            << "  " << c.hosts.size() << " hosts, " << c.links.size() << " links, " << c.mtas.size()
            << " MTAs, " << c.dns.mx.size() << " MX records\n"
            << "  " << c.messages.size() << " messages, " << c.outages.size() << " faults, seed "
            << c.seed << ", duration " << to_string(c.duration) << "\n";
  return 0;
}

}  // namespace mailsim::cli
