// Hosts an MTA skips without connecting after failed connections (reference §2): qmail's
// memory of hosts that timed out twice, OpenSMTPD's route penalty.
#include <map>
#include <string>
#include <vector>

#include "scenario/of_message.h"
#include "scenario/recorded_run.h"
#include "scenario/skip_world.h"
#include "support/catch.h"

using mailsim::Duration;
using namespace mailsim::mta;

namespace {

std::map<MessageNumber, std::vector<double>> starts(const RecordedRun& r) {
  std::map<MessageNumber, std::vector<double>> out;
  for (const AttemptFinished& a : r.attempts) {
    if (a.from_node == "a") out[a.msg].push_back(a.started.seconds());
  }
  return out;
}

}  // namespace

TEST_CASE("qmail skips a host that timed out twice for 64 to 97 minutes") {
  // b is down, so every connect times out after 30 s. qmail tries at ages 400 k^2 s:
  // 0 (timeout 1 at 30 s), 400 (timeout 2 at 430 s: skipped until 430 + (60 + 0..31) * 64,
  // that is 4270..6254 s). The tries at 1600 and 3600 s are skipped without a connection;
  // 6400 s is past the window and connects (timeout 3 at 6430: skipped to 10270..12254, so
  // 10000 s is skipped too); 14400 s connects again.
  const RecordedRun r =
      record_run(skip_world("qmail", {0}, "{type: host_down, target: b, start: 0s, duration: 5h}"),
                 Duration::seconds(15000));
  CHECK(starts(r)[1] == std::vector<double>{0, 400, 6400, 14400});
  for (const AttemptFinished& a : r.attempts) CHECK(a.outcome == AttemptOutcome::kConnTimeout);
}

TEST_CASE("qmail does not count refused connections") {
  // b's MTA is down (connects refused): every try at 0, 400, 1600, 3600, 6400, 10000 s
  // connects; the refusals clear qmail's timeout count.
  const RecordedRun r =
      record_run(skip_world("qmail", {0}, "{type: mta_down, target: b, start: 0s, duration: 5h}"),
                 Duration::seconds(12000));
  CHECK(starts(r)[1] == std::vector<double>{0, 400, 1600, 3600, 6400, 10000});
}

TEST_CASE("opensmtpd disables a route for 15 s times the square of its penalty") {
  // b's MTA is down (refused after one 20 ms round trip). Message 1 fails at 0.02 s:
  // penalty 1, route off until 15.02 s. Message 2 comes at 10 s and is deferred without a
  // connection; OpenSMTPD retries it at 10 + 400 = 410 s. Message 1 fails again at
  // 400.02 s: penalty 2, off for 60 s until 460.02 s, so message 2 at 410 s and message 3
  // (new at 430 s) are skipped. Message 3 is retried at 430 + 400 = 830 s and connects.
  const RecordedRun r = record_run(
      skip_world("opensmtpd", {0, 10, 430}, "{type: mta_down, target: b, start: 0s, duration: 1h}"),
      Duration::seconds(1000));
  auto s = starts(r);
  CHECK(s[1] == std::vector<double>{0, 400});
  CHECK(s[2].empty());
  CHECK(s[3] == std::vector<double>{830});
}

TEST_CASE("exim's host retry record is shared: a new message waits for the host's retry time") {
  // b is down (connects time out after 30 s). Message 1 fails at 30 s: the host record
  // "T:mail.b.example" gets F,2h,15m -> 930 s. Message 2 comes at 600 s; Exim tries a new
  // message at once, but the host's retry time (930 s) has not come, so it is deferred
  // without a connection and waits for the first queue run after 930 s: 1800 s, with
  // message 1. Both fail at 1830 s (host record: 1830 + 15 min = 2730) and go again at the
  // 3600 s run. A per-message record would have tried message 2 at 600 s.
  const RecordedRun r = record_run(
      skip_world("exim", {0, 600}, "{type: host_down, target: b, start: 0s, duration: 3h}"),
      Duration::seconds(4000));
  auto s = starts(r);
  CHECK(s[1] == std::vector<double>{0, 1800, 3600});
  CHECK(s[2] == std::vector<double>{1800, 3600});
}
