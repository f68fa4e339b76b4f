// The queue: key of an MTA or of defaults: (scenarios/README.md, "Queues and next hops").
#include <string>

#include "mailsim/core/error.h"
#include "mailsim/scenario/config.h"
#include "scenario/scenario_file.h"
#include "support/catch.h"

using mailsim::InputError;
using namespace mailsim::mta;

namespace {

// One MTA with `keys` in its entry (line 4) and `defaults` under defaults: (line 6).
std::string one_mta(const std::string& keys, const std::string& defaults = "{}") {
  return "name: q\nhosts: [{name: a}]\nmtas:\n  - {name: a, host: a, hostname: a.example" + keys +
         "}\ndefaults:\n  " + defaults + "\n";
}

QueueConfig load(const std::string& yaml) {
  const ScenarioFile f(yaml);
  return mailsim::scenario::load_scenario(f.path()).mtas.at(0).mta.queue;
}

InputError error(const std::string& yaml) {
  auto e = scenario_error(yaml);
  INFO("no error for:\n" << yaml);
  REQUIRE(e);
  return *e;
}

}  // namespace

TEST_CASE("queue keys are read, and an MTA's own keys add to those of defaults:") {
  const QueueConfig q = load(one_mta(", queue: {recipient_limit: 10, capacity: 300}",
                                     "queue: {destination_concurrency_limit: 4, capacity: 9}"));
  CHECK(q.recipient_limit == 10);
  CHECK(q.destination_concurrency_limit == 4);
  CHECK(q.capacity == 300);
  CHECK_FALSE(q.active_limit.has_value());  // the preset's
}

TEST_CASE("bad queue keys name the line, the key and what would be valid") {
  InputError e = error(one_mta(", queue: {recipient_limit: 0}"));
  CHECK(e.where().line == 4);
  CHECK(e.where().key == "mtas[0].queue.recipient_limit");
  CHECK(e.problem() == "'0' is out of range");

  e = error(one_mta(", queue: {capacity: 10MiB}"));
  CHECK(e.where().key == "mtas[0].queue.capacity");
  CHECK(e.problem() == "'10MiB' is not a whole number");

  e = error(one_mta(", queue: {recipients: 5}"));
  CHECK(e.where().key == "mtas[0].queue.recipients");
  CHECK(e.hint().find("recipient_limit") != std::string::npos);
}
