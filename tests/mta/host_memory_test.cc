// HostMemory: qmail's tcpto and OpenSMTPD's route penalty as pure bookkeeping
// (reference §2).
#include "mta/host_memory.h"

#include <set>
#include <string>

#include "support/catch.h"

using mailsim::Duration;
using mailsim::RandomStream;
using mailsim::Time;
using mailsim::net::ConnectStatus;
using namespace mailsim::mta;

namespace {
Time at_s(std::int64_t s) { return Time::zero() + Duration::seconds(s); }
}  // namespace

TEST_CASE("qmail skips a host after two timeouts in a row for (60 + 0..31) x 64 s") {
  // Each host gets its second timeout at 100 s; it is skipped until 100 + 3840..5824 s,
  // the draw from the stream deciding where. Over 200 hosts the ends stay in that range
  // and take many values.
  HostMemory memory(SenderStyle::kQmail, RandomStream(1, 0, "tcpto:a"));
  std::set<std::int64_t> ends;
  for (int i = 0; i < 200; ++i) {
    const std::string host = "h" + std::to_string(i);
    memory.connect_result(host, ConnectStatus::kTimedOut, at_s(50));
    CHECK_FALSE(memory.skipped(host, at_s(60)));  // one timeout is not enough
    memory.connect_result(host, ConnectStatus::kTimedOut, at_s(100));
    CHECK(memory.skipped(host, at_s(100 + 3840 - 1)));
    std::int64_t end = 100 + 3840;
    while (memory.skipped(host, at_s(end))) end += 64;
    CHECK(end <= 100 + 5824);
    CHECK_FALSE(memory.skipped(host, at_s(100 + 5824)));
    ends.insert(end);
  }
  CHECK(ends.size() > 20);
}

TEST_CASE("qmail forgets a host's timeouts when a connect is refused or succeeds") {
  HostMemory memory(SenderStyle::kQmail, RandomStream(1, 0, "tcpto:a"));
  memory.connect_result("h", ConnectStatus::kTimedOut, at_s(0));
  memory.connect_result("h", ConnectStatus::kRefused, at_s(10));
  memory.connect_result("h", ConnectStatus::kTimedOut, at_s(20));
  CHECK_FALSE(memory.skipped("h", at_s(21)));
}

TEST_CASE("opensmtpd disables a route for 15 s x penalty^2, at most an hour") {
  // Penalties 1, 2, 3 -> 15, 60, 135 s; 16 -> 3840 s, capped at 3600 s.
  HostMemory memory(SenderStyle::kOpenSmtpd, RandomStream(1, 0, "tcpto:a"));
  memory.connect_result("h", ConnectStatus::kRefused, at_s(0));
  CHECK(memory.skipped("h", at_s(14)));
  CHECK_FALSE(memory.skipped("h", at_s(15)));
  memory.connect_result("h", ConnectStatus::kTimedOut, at_s(100));
  CHECK(memory.skipped("h", at_s(159)));
  CHECK_FALSE(memory.skipped("h", at_s(160)));
  memory.connect_result("h", ConnectStatus::kRefused, at_s(200));
  CHECK(memory.skipped("h", at_s(334)));
  CHECK_FALSE(memory.skipped("h", at_s(335)));
  for (int i = 4; i <= 16; ++i) memory.connect_result("h", ConnectStatus::kRefused, at_s(1000));
  CHECK(memory.skipped("h", at_s(1000 + 3599)));
  CHECK_FALSE(memory.skipped("h", at_s(1000 + 3600)));
  memory.connect_result("h", ConnectStatus::kConnected, at_s(5000));
  memory.connect_result("h", ConnectStatus::kRefused, at_s(6000));
  CHECK_FALSE(memory.skipped("h", at_s(6015)));  // penalty back to 1
}

TEST_CASE("the other styles remember no host") {
  HostMemory memory(SenderStyle::kPostfix, RandomStream(1, 0, "tcpto:a"));
  for (int i = 0; i < 5; ++i) memory.connect_result("h", ConnectStatus::kTimedOut, at_s(i));
  CHECK_FALSE(memory.skipped("h", at_s(5)));
}
