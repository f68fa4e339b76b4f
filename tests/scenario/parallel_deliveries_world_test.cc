// How many deliveries of one message run at once: Exim forks at most remote_max_parallel
// (globals.c: 4) remote deliveries per message; Postfix's queue manager has no such bound
// (its limits are per destination, reference §2).
#include <algorithm>
#include <string>
#include <vector>

#include "scenario/of_message.h"
#include "scenario/recorded_run.h"
#include "support/catch.h"

using mailsim::Duration;
using mailsim::Time;
using namespace mailsim::mta;

namespace {

// a (retry law `law`) sends one message at 0 s to r@d1.example .. r@d6.example; each dN has
// its own server bN behind its own 10 Gbps, 10 ms link.
std::vector<AttemptFinished> six_next_hops(const std::string& law) {
  std::string hosts = "[{name: a}", links, mx, mtas, to;
  for (int i = 1; i <= 6; ++i) {
    const std::string n = std::to_string(i);
    hosts += ", {name: b" + n + "}";
    links += "\n  - {between: [a, b" + n + "], bandwidth: 10Gbps, latency: 10ms}";
    mx += std::string(i > 1 ? ", " : "") + "d" + n + ".example: \"10 mail.b" + n + ".example\"";
    mtas += "\n  - {name: b" + n + ", host: b" + n + ", hostname: mail.b" + n +
            ".example, local_domains: [d" + n + ".example], mailboxes: [r]}";
    to += std::string(i > 1 ? ", " : "") + "r@d" + n + ".example";
  }
  const RecordedRun r =
      record_run("name: parallel\nhosts: " + hosts + "]\nlinks:" + links + "\ndns:\n  mx: {" + mx +
                     "}\nmtas:\n  - {name: a, host: a, "
                     "hostname: mail.a.example, retry: " +
                     law + "}" + mtas +
                     "\ntraffic:\n  messages:\n    - {at: 0s, origin: a, from: "
                     "x@a.example, to: [" +
                     to + "]}\n",
                 Duration::seconds(10));
  REQUIRE(r.finals.size() == 6);
  for (const KeptFinal& f : r.finals) CHECK(f.status == FinalStatus::kDelivered);
  std::vector<AttemptFinished> a = of_message(r.attempts, 1);
  std::sort(a.begin(), a.end(), [](const auto& x, const auto& y) { return x.to_node < y.to_node; });
  return a;
}

}  // namespace

TEST_CASE("exim runs at most four deliveries of one message at once, postfix all of them") {
  // Exim: the deliveries to b1..b4 (next hops in name order) start at 0 s; each session
  // ends after QUIT at the same time T (6 round trips of 20 ms); b5 and b6 start at T.
  // Postfix: all six start at 0 s.
  const std::vector<AttemptFinished> exim = six_next_hops("exim");
  REQUIRE(exim.size() == 6);
  for (std::size_t i = 0; i < 4; ++i) {
    CHECK(exim[i].to_node == "b" + std::to_string(i + 1));
    CHECK(exim[i].started == Time::zero());
    CHECK(exim[i].ended == exim[0].ended);
  }
  CHECK(exim[0].ended > Time::zero() + Duration::milliseconds(120));
  CHECK(exim[0].ended < Time::zero() + Duration::milliseconds(121));
  CHECK(exim[4].started == exim[0].ended);
  CHECK(exim[5].started == exim[0].ended);
  const std::vector<AttemptFinished> postfix = six_next_hops("postfix");
  REQUIRE(postfix.size() == 6);
  for (const AttemptFinished& a : postfix) CHECK(a.started == Time::zero());
}
