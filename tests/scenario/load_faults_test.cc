// Reading faults: (scenarios/README.md, "faults[]"): once, repeating, random, and the errors.
#include <string>

#include "mailsim/core/error.h"
#include "mailsim/scenario/config.h"
#include "scenario/scenario_file.h"
#include "support/catch.h"

using mailsim::Duration;
using mailsim::InputError;
using mailsim::scenario::load_scenario;
namespace faults = mailsim::faults;

namespace {

std::string with_fault(const std::string& fault) {
  return "name: f\nhosts: [{name: a}]\nmtas: [{name: a, host: a, hostname: a.example}]\n"
         "faults:\n  - " +
         fault + "\n";
}

faults::Outage load_fault(const std::string& fault) {
  const ScenarioFile f(with_fault(fault));
  return load_scenario(f.path()).outages.at(0);
}

// "key: problem | hint" of the error loading `fault`.
std::string fault_error(const std::string& fault) {
  const auto e = scenario_error(with_fault(fault));
  return e ? e->where().key + ": " + e->problem() + " | " + e->hint() : "no error";
}

}  // namespace

TEST_CASE("a fault is once, repeating with a count or until the end, or random") {
  const auto once = load_fault("{type: host_down, target: a, start: 1h, duration: 2h}");
  CHECK(once.count == 1);
  CHECK(once.every == Duration{});
  const auto daily =
      load_fault("{type: mta_down, target: a, start: 1h, duration: 2h, every: 1d, count: 3}");
  CHECK(daily.every == Duration::days(1));
  CHECK(daily.count == 3);
  CHECK(load_fault("{type: mta_down, target: a, start: 0s, duration: 2h, every: 1d}").count ==
        faults::kUntilEnd);
  const auto random = load_fault("{type: dns_down, mtbf: 3d, mttr: 2h}");
  CHECK(random.kind == faults::OutageKind::kDnsDown);
  CHECK(random.target == "dns");
  CHECK(random.mtbf == Duration::days(3));
  CHECK(random.mttr == Duration::hours(2));
  CHECK(random.count == faults::kUntilEnd);
  CHECK(random.start == mailsim::Time::zero());
}

TEST_CASE("fault timing errors name the key and what would be valid") {
  CHECK(fault_error("{type: host_down, target: a, start: 0s, duration: 2h, every: 1h}") ==
        "faults[0].duration: a repeating fault's duration 2h must be shorter than its period 1h "
        "| shorten duration or lengthen every");
  CHECK(fault_error("{type: host_down, target: a, start: 0s, duration: 2h, count: 3}") ==
        "faults[0].count: a fault that happens more than once needs every | for example: every: "
        "1d, count: 3");
  CHECK(fault_error("{type: host_down, target: a, mtbf: 1d, mttr: 1h, duration: 2h}") ==
        "faults[0].duration: a random fault draws its windows; it takes no duration | give mtbf "
        "and mttr, or start and duration without them");
  CHECK(fault_error("{type: host_down, target: a, mtbf: 0s, mttr: 1h}") ==
        "faults[0].mtbf: this duration must be positive | for example 2h");
  CHECK(fault_error("{type: host_down, target: a, start: 0s}") ==
        "faults[0]: a fault needs start and duration (or mtbf and mttr) | for example: {type: "
        "host_down, target: department, start: 0s, duration: 2h}");
}
