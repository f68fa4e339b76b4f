// Greylisting as postgrey and milter-greylist do it (../shared/reference/mta-behaviour.md
// §5), stepped by hand: each check gives the time, the client's address, sender and
// recipient.
#include "mta/greylist.h"

#include <optional>

#include "support/catch.h"

using mailsim::Duration;
using mailsim::Time;
using namespace mailsim::mta;

namespace {

constexpr std::uint32_t kClient = 0x0a000101;     // 10.0.1.1
constexpr std::uint32_t kNeighbour = 0x0a00014d;  // 10.0.1.77: the same /24
constexpr std::uint32_t kOther = 0x0a000201;      // 10.0.2.1: another /24

Time at(Duration d) { return Time::zero() + d; }
Time seconds(std::int64_t s) { return at(Duration::seconds(s)); }

bool passes(Greylist& g, Time t, std::uint32_t client = kClient,
            const char* rcpt = "bob@b.example") {
  return !g.check(t, client, "x@a.example", rcpt).has_value();
}

}  // namespace

TEST_CASE("postgrey defers a new triplet with its reply and passes it 300 s later") {
  Greylist g(*greylist_preset("postgrey"));
  const std::optional<mailsim::smtp::Reply> first =
      g.check(seconds(0), kClient, "x@a.example", "bob@b.example");
  REQUIRE(first.has_value());
  CHECK(first->wire() ==
        "450 4.2.0 <bob@b.example>: Recipient address rejected: Greylisted, see "
        "http://postgrey.schweikert.ch/help/b.example.html\r\n");
  CHECK_FALSE(passes(g, seconds(299)));  // 299 s after first seen: still waiting
  CHECK(passes(g, seconds(300)));        // the delay has passed
  CHECK(passes(g, seconds(301)));        // and it keeps passing
}

TEST_CASE("postgrey keys on the client's /24") {
  Greylist g(*greylist_preset("postgrey"));
  CHECK_FALSE(passes(g, seconds(0), kClient));
  CHECK(passes(g, seconds(300), kNeighbour));    // 10.0.1.77 is 10.0.1.0/24 like 10.0.1.1
  CHECK_FALSE(passes(g, seconds(300), kOther));  // 10.0.2.0/24: a triplet of its own
  // Sender and recipient are part of the key too (compared without case).
  CHECK_FALSE(passes(g, seconds(300), kClient, "alice@b.example"));
  CHECK(passes(g, seconds(300), kClient, "BOB@B.example"));
}

TEST_CASE("postgrey starts over when the first retry comes after its 2 d retry window") {
  Greylist g(*greylist_preset("postgrey"));
  const Duration window = Duration::days(2);
  CHECK_FALSE(passes(g, seconds(0)));
  // First seen at 0; a retry at 2 d + 1 s is outside the window: first seen becomes now.
  CHECK_FALSE(passes(g, at(window + Duration::seconds(1))));
  CHECK_FALSE(passes(g, at(window + Duration::seconds(300))));  // 299 s after the restart
  CHECK(passes(g, at(window + Duration::seconds(301))));
}

TEST_CASE("a retry exactly at the end of the retry window still counts") {
  Greylist g(*greylist_preset("postgrey"));
  CHECK_FALSE(passes(g, seconds(0)));
  CHECK(passes(g, at(Duration::days(2))));  // restarts only when later than the window
}

TEST_CASE("postgrey forgets a passed triplet unseen for 35 d") {
  Greylist g(*greylist_preset("postgrey"));
  CHECK_FALSE(passes(g, seconds(0)));
  CHECK(passes(g, seconds(300)));  // last seen 300 s
  const Time seen = seconds(300) + Duration::days(35);
  CHECK(passes(g, seen));  // exactly 35 d unseen: still known
  CHECK_FALSE(passes(g, seen + Duration::days(35) + Duration::seconds(1)));  // forgotten
}

TEST_CASE("postgrey whitelists a client after 5 passes counted at most once an hour") {
  Greylist g(*greylist_preset("postgrey"));
  const char* rcpts[] = {"r1@b.example", "r2@b.example", "r3@b.example",
                         "r4@b.example", "r5@b.example", "r6@b.example"};
  // Five recipients greylisted at 0 and passed together at 300 s: one pass counted.
  for (int i = 0; i < 5; ++i) CHECK_FALSE(passes(g, seconds(0), kClient, rcpts[i]));
  for (int i = 0; i < 5; ++i) CHECK(passes(g, seconds(300), kClient, rcpts[i]));
  CHECK_FALSE(passes(g, seconds(400), kClient, rcpts[5]));  // 1 pass: not whitelisted
  // Passes at 1 h 300 s, 2 h 300 s and 3 h 300 s count (each an hour after the last):
  // 4 passes. The one at 4 h 300 s is the fifth.
  for (int h = 1; h <= 4; ++h) {
    CHECK(passes(g, seconds(h * 3600 + 300), kClient, rcpts[h - 1]));
  }
  // Whitelisted: a new triplet from the client's /24 passes at once.
  CHECK(passes(g, seconds(4 * 3600 + 301), kNeighbour, "new@b.example"));
  CHECK_FALSE(passes(g, seconds(4 * 3600 + 301), kOther, "new@b.example"));
}

TEST_CASE("milter-greylist defers for 1800 s with 451 4.7.1, keyed on the address itself") {
  Greylist g(*greylist_preset("milter-greylist"));
  const auto first = g.check(seconds(0), kClient, "x@a.example", "bob@b.example");
  REQUIRE(first.has_value());
  CHECK(first->wire() == "451 4.7.1 Greylisting in action, please come back later\r\n");
  CHECK_FALSE(passes(g, seconds(1799)));
  CHECK_FALSE(passes(g, seconds(1800), kNeighbour));  // another address: its own triplet
  CHECK(passes(g, seconds(1800)));
}

TEST_CASE("milter-greylist's autowhite lasts 24 h from the last delivery") {
  Greylist g(*greylist_preset("milter-greylist"));
  CHECK_FALSE(passes(g, seconds(0)));
  CHECK(passes(g, seconds(1800)));
  CHECK(passes(g, seconds(1800) + Duration::hours(24)));  // renewed: 24 h from here
  CHECK_FALSE(passes(g, seconds(1801) + Duration::hours(48)));
}

TEST_CASE("milter-greylist's greylisted entries time out after 5 d") {
  Greylist g(*greylist_preset("milter-greylist"));
  CHECK_FALSE(passes(g, seconds(0)));
  CHECK(passes(g, at(Duration::days(5))));  // the first retry, just in time
  Greylist h(*greylist_preset("milter-greylist"));
  CHECK_FALSE(passes(h, seconds(0)));
  CHECK_FALSE(passes(h, at(Duration::days(5) + Duration::seconds(1))));  // starts over
}

TEST_CASE("milter-greylist never whitelists a whole client") {
  Greylist g(*greylist_preset("milter-greylist"));
  for (int h = 0; h < 10; ++h) {
    const std::string rcpt = "r" + std::to_string(h) + "@b.example";
    CHECK_FALSE(passes(g, seconds(h * 3600), kClient, rcpt.c_str()));
    CHECK(passes(g, seconds(h * 3600 + 1800), kClient, rcpt.c_str()));
  }
  CHECK_FALSE(passes(g, seconds(10 * 3600), kClient, "new@b.example"));
}

TEST_CASE("a custom greylist uses its own delay and reply, with the recipient put in") {
  GreylistConfig c = *greylist_preset("postgrey");
  c.delay = Duration::minutes(20);
  c.code = 451;
  c.enhanced = "4.7.1";
  c.text = "{rcpt} greylisted for 20 minutes ({domain})";
  Greylist g(c);
  const auto first = g.check(seconds(0), kClient, "x@a.example", "bob@b.example");
  REQUIRE(first.has_value());
  CHECK(first->wire() == "451 4.7.1 bob@b.example greylisted for 20 minutes (b.example)\r\n");
  CHECK_FALSE(passes(g, seconds(1199)));
  CHECK(passes(g, seconds(1200)));
}

TEST_CASE("expired triplets do not accumulate") {
  // 2000 recipients greylisted at 0 and never retried; 2000 others at 3 d, when the first
  // ones are past postgrey's 2 d retry window. The sweep that runs when the table has
  // doubled (at 2048 triplets) drops the first 2000: the table holds the live ones only.
  Greylist g(*greylist_preset("postgrey"));
  for (int i = 0; i < 2000; ++i) {
    g.check(seconds(0), kClient, "x@a.example", "old" + std::to_string(i) + "@b.example");
  }
  CHECK(g.triplets() == 2000);
  for (int i = 0; i < 2000; ++i) {
    g.check(at(Duration::days(3)), kClient, "x@a.example",
            "new" + std::to_string(i) + "@b.example");
  }
  CHECK(g.triplets() == 2000);
  // The new ones are still there: each passes 300 s after it was first seen.
  CHECK(passes(g, at(Duration::days(3) + Duration::seconds(300)), kClient, "new0@b.example"));
}
