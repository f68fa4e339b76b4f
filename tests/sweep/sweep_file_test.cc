// Reading sweep files and applying their settings to the scenario (scenario/sweep.h,
// scenario/override.h), on tests/sweep/relay.yaml.
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <variant>

#include "mailsim/core/error.h"
#include "mailsim/scenario/sweep.h"
#include "support/catch.h"

namespace mailsim::scenario {
namespace {

// A sweep file beside relay.yaml, removed afterwards.
class SweepFile {
 public:
  explicit SweepFile(const std::string& yaml)
      : path_(std::string(MAILSIM_SOURCE_DIR) + "/tests/sweep/.test-" + std::to_string(::getpid()) +
              "-" + std::to_string(++counter_) + ".yaml") {
    std::ofstream(path_) << "scenario: relay.yaml\n" << yaml;
  }
  ~SweepFile() { std::filesystem::remove(path_); }
  const std::string& path() const { return path_; }

 private:
  static inline int counter_ = 0;
  std::string path_;
};

std::vector<std::string> values(const SweepConfig& s) {
  std::vector<std::string> out;
  for (const SweepPoint& p : s.points) {
    std::string point;
    for (const ScenarioOverride& o : p.settings) point += (point.empty() ? "" : " ") + o.value;
    out.push_back(point);
  }
  return out;
}

TEST_CASE("a grid varies the first axis slowest") {
  const SweepFile f(
      "replications: 4\n"
      "vary:\n"
      "  mtas.relay.retry: [postfix, exim]\n"
      "  defaults.processing_delay: [1s, 2s, 3s]\n");
  const SweepConfig s = load_sweep(f.path());
  CHECK(s.replications == 4);
  CHECK(values(s) == std::vector<std::string>{"postfix 1s", "postfix 2s", "postfix 3s", "exim 1s",
                                              "exim 2s", "exim 3s"});
}

TEST_CASE("together varies its paths side by side, as one axis") {
  const SweepFile f(
      "vary:\n"
      "  together:\n"
      "    mtas.relay.retry: [postfix, exim]\n"
      "    defaults.processing_delay: [1s, 2s]\n"
      "  mtas.dept.processing_delay: [5ms, 6ms]\n");
  CHECK(values(load_sweep(f.path())) ==
        std::vector<std::string>{"postfix 1s 5ms", "postfix 1s 6ms", "exim 2s 5ms", "exim 2s 6ms"});
}

TEST_CASE("a range lists from, from + step, ... up to to, with the unit appended") {
  // 0.5, 1, 1.5, 2: 2 is included although 0.5 + 3 * 0.5 is computed, not written.
  const SweepFile f(
      "vary:\n"
      "  defaults.processing_delay: {from: 0.5, to: 2, step: 0.5, unit: s}\n");
  CHECK(values(load_sweep(f.path())) == std::vector<std::string>{"0.5s", "1s", "1.5s", "2s"});
}

TEST_CASE("a setting reaches the MTA it names, and a collection value replaces the key") {
  const SweepFile f(
      "seed: 11\n"
      "until: 2h\n"
      "vary:\n"
      "  mtas.relay.retry: [{fixed: 7m}]\n"
      "  mtas.2.processing_delay: [250ms]\n");
  const SweepConfig s = load_sweep(f.path());
  REQUIRE(s.points.size() == 1);
  CHECK(s.points[0].settings[0].value == "{fixed: 7m}");
  const ScenarioConfig c = load_point(s, s.points[0]);
  CHECK(c.seed == 11);
  CHECK(c.duration == Duration::hours(2));
  const auto& relay = c.mtas[1].mta;
  REQUIRE(relay.name == "relay");
  const auto* custom = std::get_if<mta::CustomRetry>(&relay.retry);
  REQUIRE(custom != nullptr);
  const auto* fixed = std::get_if<mta::FixedGaps>(&custom->gaps);
  REQUIRE(fixed != nullptr);
  CHECK(fixed->interval == Duration::minutes(7));
  CHECK(c.mtas[2].mta.name == "dept");
  CHECK(c.mtas[2].mta.processing_delay == Duration::milliseconds(250));
  CHECK(c.mtas[0].mta.processing_delay != Duration::milliseconds(250));
}

TEST_CASE("without vary a sweep is replications of the base scenario") {
  const SweepFile f("replications: 5\n");
  const SweepConfig s = load_sweep(f.path());
  REQUIRE(s.points.size() == 1);
  CHECK(s.points[0].settings.empty());
  CHECK(load_point(s, s.points[0]).name == "relay");
}

TEST_CASE("a path past the end of a list is an error at the path") {
  const SweepFile f(
      "vary:\n"
      "  links.5.latency: [1ms]\n");
  try {
    load_sweep(f.path());
    FAIL("no error");
  } catch (const InputError& e) {
    CHECK(e.where().file == f.path());
    CHECK(e.where().line == 3);
    CHECK(e.where().column == 3);
    CHECK(e.problem() == "'links' has 2 elements, no 5");
  }
}

}  // namespace
}  // namespace mailsim::scenario
