// The ways users submit mail (scenarios/README.md, "clients"), through the World with real
// MTAs: a local client's message is queued at once; a desktop or webmail client's first
// hop is an SMTP session to the MSA's port 587 whose time is worked out here by hand from
// the net layer's model (net/network.h, net/connection.h): a connect costs one round
// trip and the server accepts (and greets) half a round trip later; a message costs its
// bytes plus 40 octets of TCP/IP header per 1460-octet segment over the bandwidth, plus
// the link latency.
#include <string>
#include <vector>

#include "scenario/of_message.h"
#include "scenario/recorded_run.h"
#include "support/catch.h"

using mailsim::Duration;
using namespace mailsim::mta;

namespace {

// shell (alice, mailx) and home (bob's laptop, `home_link`) and webmail (`lan`) send to
// carol@example.net at 10 s, 20 s and 30 s. The laptop uses `laptop_keys` too.
std::string three_clients(const std::string& home_link, const std::string& lan,
                          const std::string& size, const std::string& laptop_keys = "",
                          const std::string& more = "") {
  return R"(
name: clients
network: {slow_start: false}
hosts: [{name: shell}, {name: home}, {name: webmail}, {name: msa}, {name: mx}]
links:
  - {between: [home, msa], )" +
         home_link + R"(}
  - {between: [webmail, msa], )" +
         lan + R"(}
  - {between: [msa, mx], bandwidth: 100Gbps, latency: 10ms}
  - {between: [shell, mx], bandwidth: 100Gbps, latency: 10ms}
dns:
  mx: {example.net: "10 mx.example.net"}
mtas:
  - {name: shell, host: shell, hostname: shell.example.org}
  - {name: msa, host: msa, hostname: smtp.provider.example, auth_users: {bob: pw, dave: pw2},
     receive: {submission: true}}
  - {name: mx, host: mx, hostname: mx.example.net, local_domains: [example.net],
     mailboxes: [carol]}
clients:
  - {name: mailx, kind: local, mta: shell}
  - {name: laptop, kind: desktop, host: home, mta: msa, auth: {user: bob, password: pw})" +
         laptop_keys + R"(}
  - {name: web, kind: webmail, host: webmail, mta: msa, auth: {user: dave, password: pw2}}
traffic:
  messages:
    - {at: 10s, client: mailx, from: alice@shell.example.org, to: carol@example.net, size: )" +
         size + R"(}
    - {at: 20s, client: laptop, from: bob@provider.example, to: carol@example.net, size: )" +
         size + R"(}
    - {at: 30s, client: web, from: dave@provider.example, to: carol@example.net, size: )" +
         size + "}\n" + more;
}

const KeptQueued& queued_at(const RecordedRun& r, MessageNumber msg, const std::string& node) {
  for (const KeptQueued& q : r.queued) {
    if (q.msg == msg && q.node == node) return q;
  }
  FAIL("message " << msg << " never reached " << node);
  throw;
}

}  // namespace

TEST_CASE("each client kind's first hop costs its round trips: none, the home link's, the LAN's") {
  // At 100Gbps the octets cost nanoseconds, so the hop is its round trips. Submission on
  // 587: connect 1 round trip, the greeting sent at the accept half a round trip later
  // and arriving half a round trip after that (2), EHLO (3), AUTH PLAIN (4), MAIL, RCPT
  // and DATA pipelined up to the 354 (5), then the data, queued when its last octet
  // arrives: 5.5 round trips. Home: 5.5 × 80 ms = 440 ms; LAN: 5.5 × 1 ms = 5.5 ms.
  const RecordedRun r = record_run(three_clients("bandwidth: 100Gbps, latency: 40ms",
                                                 "bandwidth: 100Gbps, latency: 500us", "2KiB"),
                                   Duration::hours(1));
  REQUIRE(r.created.size() == 3);
  CHECK(r.created[0].client_kind == "local");
  CHECK(r.created[1].client_kind == "desktop");
  CHECK(r.created[2].client_kind == "webmail");
  CHECK(r.created[1].origin == "msa");

  const KeptQueued& local = queued_at(r, 1, "shell");
  CHECK(local.at.seconds() == 10.0);  // mailx: in the queue at once, no hop
  CHECK(local.from_node.empty());
  // A network client's message is first in its outbox, on the client's host.
  CHECK(queued_at(r, 2, "home").at.seconds() == 20.0);
  CHECK(queued_at(r, 3, "webmail").from_node.empty());
  const KeptQueued& desktop = queued_at(r, 2, "msa");
  CHECK(desktop.from_node == "home");
  CHECK(desktop.at.seconds() == Approx(20.440).margin(5e-6));
  const KeptQueued& webmail = queued_at(r, 3, "msa");
  CHECK(webmail.from_node == "webmail");
  CHECK(webmail.at.seconds() == Approx(30.0055).margin(5e-6));

  // The first hop is an attempt from the client's host, sent, with AUTH in its dialogue.
  const std::vector<AttemptFinished> first = of_message(r.attempts, 2);
  REQUIRE(first.size() == 2);
  CHECK(first[0].from_node == "home");
  CHECK(first[0].to_node == "msa");
  CHECK(first[0].outcome == AttemptOutcome::kSent);
  CHECK(first[0].code == 250);
  bool authenticated = false;
  for (const TranscriptEntry& line : first[0].transcript) {
    authenticated = authenticated || line.line.starts_with("235 2.7.0");
  }
  CHECK(authenticated);
  for (MessageNumber msg : {1, 2, 3}) {
    const std::vector<KeptFinal> f = of_message(r.finals, msg);
    REQUIRE(f.size() == 1);
    CHECK(f[0].status == FinalStatus::kDelivered);
    CHECK(f[0].node == "mx");
  }
}

TEST_CASE("over a 1Mbps home link the message's octets add their transfer time to the hop") {
  // 1,000,000 octets of message and the ".\r\n" after them: 1,000,003 octets in
  // ceil(1,000,003 / 1460) = 685 segments, 685 × 40 = 27,400 octets of headers,
  // 1,027,403 octets = 8,219,224 bits: 8.219224 s at 1Mbps, 8.219 ms at 1Gbps. With the
  // round trips: home 20 + 0.440 + 8.219224 = 28.659224 s, webmail 30 + 0.0055 +
  // 0.008219 = 30.013719 s. The commands and replies (under 600 octets each way with
  // their headers) may add up to 2 × 4.8 ms at 1Mbps, 10 us at 1Gbps.
  const RecordedRun r = record_run(three_clients("bandwidth: 1Mbps, latency: 40ms",
                                                 "bandwidth: 1Gbps, latency: 500us", "1000000B"),
                                   Duration::hours(1));
  const double desktop = queued_at(r, 2, "msa").at.seconds();
  CHECK(desktop >= 28.659224);
  CHECK(desktop <= 28.659224 + 0.0096);
  const double webmail = queued_at(r, 3, "msa").at.seconds();
  CHECK(webmail >= 30.013719);
  CHECK(webmail <= 30.013719 + 10e-6);
  // The local user's message pays no hop at all: queued at its time.
  CHECK(queued_at(r, 1, "shell").at.seconds() == 10.0);
}

TEST_CASE("wrong credentials get 535 5.7.8 and the message fails at the client") {
  // Connect and greeting (2 round trips), EHLO (3), AUTH PLAIN answered 535 (4): the
  // attempt ends after 4 × 80 ms = 320 ms, and the message never enters a queue.
  const RecordedRun bad = record_run(
      [] {
        std::string yaml = three_clients("bandwidth: 100Gbps, latency: 40ms",
                                         "bandwidth: 100Gbps, latency: 500us", "2KiB");
        const std::string right = "{user: bob, password: pw}";
        return yaml.replace(yaml.find(right), right.size(), "{user: bob, password: stale}");
      }(),
      Duration::hours(1));
  for (const KeptQueued& q : of_message(bad.queued, 2)) CHECK(q.node == "home");  // outbox only
  const std::vector<AttemptFinished> a = of_message(bad.attempts, 2);
  REQUIRE(a.size() == 1);  // a 5xx is not tried again
  CHECK(a[0].outcome == AttemptOutcome::kRejected);
  CHECK(a[0].code == 535);
  CHECK(a[0].enhanced == "5.7.8");
  CHECK((a[0].ended - a[0].started).seconds() == Approx(0.320).margin(5e-6));
  const std::vector<KeptFinal> f = of_message(bad.finals, 2);
  REQUIRE(f.size() == 1);
  CHECK(f[0].status == FinalStatus::kBounced);
  CHECK(f[0].node == "home");
  CHECK(f[0].code == 535);
  CHECK(f[0].reply == "5.7.8 Error: authentication failed: authentication failure");
}

TEST_CASE("a desktop client retries by its policy while the MSA is down") {
  // The MSA's mail service is down until 15m. The laptop tries at 20 s (refused after one
  // round trip, 80 ms), again 10m later at 620.08 s (refused at 620.16 s), and at
  // 1220.16 s, when the MSA is up: queued 5.5 round trips later, at 1220.6 s.
  const std::string down = "faults: [{type: mta_down, target: msa, start: 0s, duration: 15m}]\n";
  const RecordedRun r = record_run(
      three_clients("bandwidth: 100Gbps, latency: 40ms", "bandwidth: 100Gbps, latency: 500us",
                    "2KiB", ", retry: {attempts: 3, interval: 10m}", down),
      Duration::hours(1));
  const std::vector<AttemptFinished> a = of_message(r.attempts, 2);
  REQUIRE(a.size() == 4);  // three from the laptop, then the MSA's relay
  CHECK(a[0].outcome == AttemptOutcome::kConnRefused);
  CHECK(a[0].started.seconds() == 20.0);
  CHECK(a[0].text == "connect to smtp.provider.example:587: Connection refused");
  CHECK(a[1].outcome == AttemptOutcome::kConnRefused);
  CHECK(a[1].started.seconds() == Approx(620.08).margin(1e-9));
  CHECK(a[2].outcome == AttemptOutcome::kSent);
  CHECK(a[2].started.seconds() == Approx(1220.16).margin(1e-9));
  CHECK(queued_at(r, 2, "msa").at.seconds() == Approx(1220.6).margin(5e-6));
  // Webmail tries once (its default) and gives up: expired at the webmail host.
  const std::vector<KeptFinal> web = of_message(r.finals, 3);
  REQUIRE(web.size() == 1);
  CHECK(web[0].status == FinalStatus::kExpired);
  CHECK(web[0].node == "webmail");
  CHECK(web[0].code == 451);
  CHECK(web[0].at.seconds() == Approx(30.001).margin(1e-9));
}

TEST_CASE("a desktop client whose tries are spent gives the message up at its host") {
  // Two tries: 20 s and 620.08 s, both refused; expired at 620.16 s.
  const RecordedRun r = record_run(
      three_clients("bandwidth: 100Gbps, latency: 40ms", "bandwidth: 100Gbps, latency: 500us",
                    "2KiB", ", retry: {attempts: 2, interval: 10m}",
                    "faults: [{type: mta_down, target: msa, start: 0s, duration: 1h}]\n"),
      Duration::hours(1));
  CHECK(of_message(r.attempts, 2).size() == 2);
  const std::vector<KeptFinal> f = of_message(r.finals, 2);
  REQUIRE(f.size() == 1);
  CHECK(f[0].status == FinalStatus::kExpired);
  CHECK(f[0].node == "home");
  CHECK(f[0].at.seconds() == Approx(620.16).margin(1e-9));
  CHECK(f[0].reply == "4.4.1 connect to smtp.provider.example:587: Connection refused");
}
