// The summary `mailsim run` prints is tallied as the rows are written
// (record::Summarise::kAsWritten); on shipped scenarios simulated whole, recorded as
// `mailsim run` records them, it must be the summary read back from the file, in JSON, with
// every figure the text leaves out (each node's messages, mean stay and queue peak).
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <sstream>
#include <string>

#include "cli/run_driver.h"
#include "cli/run_recording.h"
#include "mailsim/record/recorder.h"
#include "mailsim/record/summary.h"
#include "mailsim/scenario/config.h"
#include "mailsim/scenario/world.h"
#include "support/catch.h"

namespace mailsim::cli {
namespace {

std::string json(const record::Summary& s) {
  std::ostringstream out;
  record::print_summary_json(s, out);
  return out.str();
}

TEST_CASE("on shipped scenarios, the summary tallied as written is the one read back") {
  // isp-scale's first hour only (as its golden test): 1,000 domains, greylisting, outages.
  const auto [name, hours] = GENERATE(table<std::string, int>({{"university", 0},
                                                               {"retry-policies", 0},
                                                               {"bounce", 0},
                                                               {"campus", 0},
                                                               {"greylisting", 0},
                                                               {"isp-scale", 1}}));
  CAPTURE(name);
  const std::filesystem::path db =
      std::filesystem::temp_directory_path() / ("mailsim-live-" + std::to_string(getpid()) + ".db");
  std::filesystem::remove(db);
  {
    scenario::World world(
        scenario::load_scenario(MAILSIM_SOURCE_DIR "/scenarios/" + name + ".yaml"));
    const scenario::ScenarioConfig& config = world.config();
    record::Recorder recorder(db.string(), {config.name, "", config.seed, "test"},
                              record::RecordLevel::kAttempts, record::Existing::kRefuse,
                              record::Summarise::kAsWritten);
    record_layout(config, recorder);
    recorder.add_queue_nodes(sampled_names(world));
    recorder.subscribe(world.events());
    recorder.subscribe(world.network());
    recorder.subscribe(world.resolver());
    const bool ended = drive(
        world, {Time::zero() + (hours > 0 ? Duration::hours(hours) : config.duration)},
        [&recorder](Time at, std::span<const record::QueueSample> changed) {
          recorder.add_queue_sample(at, changed);
        },
        [] { return false; });
    REQUIRE(ended);
    recorder.finish(world.simulator().now());
    const record::Summary live = recorder.summary();
    const record::Summary read = record::read_summary(db.string());
    CHECK(json(live) == json(read));
    // The runs have what the comparison is about: delivered mail and nodes' stays.
    CHECK(read.recipients.delivered > 0);
    CHECK(std::any_of(read.nodes.begin(), read.nodes.end(),
                      [](const record::NodeSummary& n) { return n.mean_time_s.has_value(); }));
  }
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(db.string() + suffix);
}

}  // namespace
}  // namespace mailsim::cli
