// The run loop of `mailsim run` on the university scenario: queue samples at their
// times, and a stop request honoured at the next step.
#include "cli/run_driver.h"

#include <algorithm>
#include <span>
#include <vector>

#include "mailsim/scenario/config.h"
#include "support/catch.h"

namespace mailsim::cli {
namespace {

struct Sample {
  std::string mta;
  double t_s;
  mta::QueueCounts queue;
};

// The university scenario's explicit message alone (its sender group left out): queued at
// college at 0.572 s for the department, which is down for the first 3 h. Postfix's rule
// (reference §1: due = failure + clamp(age, 300 s, 4000 s), taken at the next 300 s scan):
// the try at 0.622 s times out at 30.622 s, due 330.6 s, scan 10 min; 630 s -> due 1259.4 s,
// scan 25 min; 1530 s -> due 3059.4 s, scan 55 min; 3330 s -> due 6659.4 s, scan 1h55m;
// 6930 s -> due 10930 s (gap capped at 4000 s), scan 3h5m, after the repair: delivered.
scenario::ScenarioConfig explicit_message_only() {
  scenario::ScenarioConfig c =
      scenario::load_scenario(MAILSIM_SOURCE_DIR "/scenarios/university.yaml");
  c.groups.clear();
  return c;
}

bool same(const mta::QueueCounts& a, const mta::QueueCounts& b) {
  return a.incoming == b.incoming && a.active == b.active && a.deferred == b.deferred;
}

// Keeps every MTA's queue at each sample time, from the changed queues the driver gives
// and the previous sample's for the others, and counts the MTAs whose actual queue
// differs from that.
struct UniversityRun {
  scenario::World world{explicit_message_only()};
  std::vector<double> times;          // of the samples
  std::vector<std::size_t> changed;   // the MTAs given at each sample
  std::vector<Sample> samples;        // every MTA at each sample
  std::vector<mta::QueueCounts> now;  // by MTA, as sampled
  int stale = 0;                      // MTAs left out whose queue had changed

  bool run(
      DriveOptions options, const std::function<bool()>& stop = [] { return false; }) {
    now.resize(world.mtas().size());
    return drive(
        world, options,
        [this](Time at, std::span<const record::QueueSample> queues) {
          times.push_back(at.seconds());
          changed.push_back(queues.size());
          for (const record::QueueSample& q : queues) now[q.node] = q.queue;
          for (std::size_t i = 0; i < now.size(); ++i) {
            if (!same(now[i], world.mtas()[i]->queue_counts())) ++stale;
            samples.push_back({world.mtas()[i]->config().name, at.seconds(), now[i]});
          }
        },
        stop);
  }

  const Sample* at(const std::string& mta, double t_s) const {
    for (const Sample& s : samples) {
      if (s.mta == mta && s.t_s == t_s) return &s;
    }
    return nullptr;
  }
};

TEST_CASE("every MTA's queue is sampled at 0, at each interval and at the end") {
  UniversityRun u;
  CHECK(u.run({Time::zero() + Duration::hours(1), Duration::minutes(25)}));
  CHECK(u.times == std::vector<double>{0, 1500, 3000, 3600});
  CHECK(u.changed.front() == 4);  // the first sample gives them all
  CHECK(u.stale == 0);
  CHECK(u.world.simulator().now() == Time::zero() + Duration::hours(1));
}

TEST_CASE("a sample gives only the queues that changed since the previous one") {
  UniversityRun u;
  u.run({Time::zero() + Duration::days(1)});
  CHECK(u.stale == 0);
  CHECK(u.times.size() == 24 * 60 + 1);
  // The one message changes college's queue now and then; the other MTAs see it only
  // when it passes, and most samples give no queue at all.
  CHECK(std::count(u.changed.begin(), u.changed.end(), 0) > 1000);
  CHECK(std::count_if(u.changed.begin() + 1, u.changed.end(), [](std::size_t n) { return n > 0; }) >
        2);
}

TEST_CASE("the college queue holds the message deferred during the outage, then nothing") {
  UniversityRun u;
  u.run({Time::zero() + Duration::days(1)});
  for (const double t : {60.0, 3600.0, 7200.0, 11040.0}) {  // between attempts
    CAPTURE(t);
    const Sample* s = u.at("college", t);
    REQUIRE(s != nullptr);
    CHECK(s->queue.deferred == 1);
    CHECK(s->queue.incoming + s->queue.active == 0);
  }
  CHECK(u.at("college", 600)->queue.active == 1);    // the attempt at 10 min is under way
  CHECK(u.at("college", 11100)->queue.active == 1);  // the one at 3h5m is delivering
  for (const char* mta : {"outside", "university", "college", "department"}) {
    CAPTURE(mta);
    const Sample* after = u.at(mta, 11160);
    REQUIRE(after != nullptr);
    CHECK(after->queue.incoming + after->queue.active + after->queue.deferred == 0);
  }
}

TEST_CASE("a stop request ends the run at the next step, after sampling there") {
  UniversityRun u;
  int asked = 0;
  CHECK_FALSE(u.run({Time::zero() + Duration::days(1)}, [&] { return ++asked == 3; }));
  CHECK(u.world.simulator().now() == Time::zero() + Duration::seconds(60));
  CHECK(u.samples.size() == 2 * 4);  // at 0 and 60 s, none twice
  CHECK(u.at("college", 60)->queue.deferred == 1);
}

}  // namespace
}  // namespace mailsim::cli
