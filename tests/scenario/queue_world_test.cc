// The queue manager through the World with real MTAs: recipients per transaction, the
// active queue's bound, sessions per next hop, the queue's capacity (452 4.3.1), Postfix's
// destination concurrency and dead destinations, connection reuse (reference §2, §4).
#include <algorithm>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "scenario/of_message.h"
#include "scenario/recorded_run.h"
#include "support/catch.h"

using mailsim::Duration;
using mailsim::Time;
using namespace mailsim::mta;

namespace {

// a (a.example, user x) sends to b (b.example, mailboxes u1..u<mailboxes>) over one
// 10 Mbps link with 10 ms latency; b.example's MX is b. `a_keys` go into a's entry.
std::string a_to_b(const std::string& a_keys, int mailboxes, const std::string& messages) {
  std::string boxes;
  for (int i = 1; i <= mailboxes; ++i) boxes += (i > 1 ? ", u" : "u") + std::to_string(i);
  return R"(
name: fanout
hosts: [{name: a}, {name: b}]
links: [{between: [a, b], bandwidth: 10Mbps, latency: 10ms}]
dns:
  mx: {b.example: "10 mail.b.example"}
mtas:
  - {name: a, host: a, hostname: mail.a.example, local_domains: [a.example], mailboxes: [x])" +
         a_keys + R"(}
  - {name: b, host: b, hostname: mail.b.example, local_domains: [b.example], mailboxes: [)" +
         boxes + R"(]}
traffic:
  messages: )" +
         messages + "\n";
}

// One message at 0 s from x@a.example to u1..u<n>@b.example.
std::string one_message_to(int n) {
  std::string to;
  for (int i = 1; i <= n; ++i) to += (i > 1 ? ", u" : "u") + std::to_string(i) + "@b.example";
  return "[{at: 0s, origin: a, from: x@a.example, to: [" + to + "]}]";
}

// `n` messages at 0 s from x@a.example, each to one of u1..u<n>@b.example.
std::string messages_to_each(int n) {
  std::string out = "[";
  for (int i = 1; i <= n; ++i) {
    out += std::string(i > 1 ? ", " : "") + "{at: 0s, origin: a, from: x@a.example, to: u" +
           std::to_string(i) + "@b.example}";
  }
  return out + "]";
}

// The recipients of message 1's attempts, attempt by attempt in the order of their first
// recipient (u1, u2, ...): the events come as the sessions end, the shortest first.
std::vector<std::vector<std::string>> transactions(const RecordedRun& r) {
  std::vector<std::vector<std::string>> out;
  for (const AttemptFinished& a : of_message(r.attempts, 1)) {
    out.emplace_back();
    for (const AttemptRecipient& rr : a.recipients) out.back().push_back(rr.rcpt);
  }
  const auto number = [](const std::vector<std::string>& t) { return std::stoi(t[0].substr(1)); };
  std::sort(out.begin(), out.end(),
            [&](const auto& x, const auto& y) { return number(x) < number(y); });
  return out;
}

// The most sessions from a that were open at one time: attempt [started, ended) intervals.
int most_at_once(const std::vector<AttemptFinished>& attempts) {
  std::vector<std::pair<Time, int>> edges;
  for (const AttemptFinished& a : attempts) {
    edges.emplace_back(a.started, +1);
    edges.emplace_back(a.ended, -1);
  }
  std::sort(edges.begin(), edges.end());  // at equal times an end (-1) sorts first
  int open = 0, most = 0;
  for (const auto& [t, d] : edges) most = std::max(most, open += d);
  return most;
}

}  // namespace

TEST_CASE("recipients for one next hop share transactions of at most the recipient limit") {
  // Postfix: default_destination_recipient_limit 50, so 120 recipients -> 50 + 50 + 20 in
  // envelope order; Exim max_rcpt 100 -> 100 + 20; qmail one per transaction; a limit set
  // in the scenario wins. Every transaction is its own session, all opened at 0 s (the
  // concurrency limit, 20 or 5, is not reached).
  struct Case {
    std::string keys;
    int recipients;
    std::vector<std::size_t> expected;
  };
  for (const Case& c : std::vector<Case>{
           {"", 120, {50, 50, 20}},
           {", retry: exim", 120, {100, 20}},
           {", retry: qmail", 3, {1, 1, 1}},
           {", queue: {recipient_limit: 30}", 120, {30, 30, 30, 30}},
       }) {
    INFO(c.keys);
    const RecordedRun r =
        record_run(a_to_b(c.keys, c.recipients, one_message_to(c.recipients)), Duration::hours(1));
    std::vector<std::size_t> sizes;
    std::vector<std::string> order;
    for (const auto& t : transactions(r)) {
      sizes.push_back(t.size());
      order.insert(order.end(), t.begin(), t.end());
    }
    CHECK(sizes == c.expected);
    std::vector<std::string> envelope;  // u1 .. un, each once, in envelope order
    for (int i = 1; i <= c.recipients; ++i)
      envelope.push_back("u" + std::to_string(i) + "@b.example");
    CHECK(order == envelope);
    for (const AttemptFinished& a : of_message(r.attempts, 1)) {
      CHECK(a.outcome == AttemptOutcome::kSent);
      CHECK(a.started == Time::zero());
    }
    CHECK(r.finals.size() == static_cast<std::size_t>(c.recipients));
  }
}

TEST_CASE("the destination concurrency limit caps the sessions open to one next hop") {
  // 30 one-recipient messages at 0 s, at most 5 sessions to b: five start at 0 s, and
  // each of the other 25 starts the moment another session ends (the same simulated
  // time), never more than five at once.
  const RecordedRun r =
      record_run(a_to_b(", queue: {destination_concurrency_limit: 5}", 30, messages_to_each(30)),
                 Duration::hours(1));
  REQUIRE(r.attempts.size() == 30);
  CHECK(most_at_once(r.attempts) == 5);
  std::vector<Time> ends;
  for (const AttemptFinished& a : r.attempts) ends.push_back(a.ended);
  int at_zero = 0;
  for (const AttemptFinished& a : r.attempts) {
    CHECK(a.outcome == AttemptOutcome::kSent);
    if (a.started == Time::zero()) {
      ++at_zero;
    } else {
      CHECK(std::find(ends.begin(), ends.end(), a.started) != ends.end());
    }
  }
  CHECK(at_zero == 5);
}

TEST_CASE("the active queue holds at most active_limit messages; the rest wait in incoming") {
  // 6 messages submitted at 0 s with active_limit 2: at 1 ms two are active (their
  // sessions are still connecting over the 10 ms link) and four wait in incoming. When
  // the first two are delivered the next two take their places, so sessions never
  // overlap by more than 2, and all six get through.
  const ScenarioFile file(a_to_b(", queue: {active_limit: 2, destination_concurrency_limit: 20}", 6,
                                 messages_to_each(6)));
  mailsim::scenario::World world(mailsim::scenario::load_scenario(file.path()));
  std::vector<AttemptFinished> attempts;
  world.events().attempt_finished.connect([&](const AttemptFinished& a) { attempts.push_back(a); });
  world.start();
  world.simulator().run_until(Time::zero() + Duration::milliseconds(1));
  const QueueCounts at_1ms = world.find_mta("a")->queue_counts();
  CHECK(at_1ms.incoming == 4);
  CHECK(at_1ms.active == 2);
  CHECK(at_1ms.deferred == 0);
  world.simulator().run_until(Time::zero() + Duration::hours(1));
  CHECK(attempts.size() == 6);
  CHECK(most_at_once(attempts) == 2);
  const QueueCounts at_end = world.find_mta("a")->queue_counts();
  CHECK(at_end.incoming + at_end.active + at_end.deferred == 0);
  CHECK(world.find_mta("b")->mailboxes().size() == 6);
}

TEST_CASE("an MTA that drops its mailbox copies delivers the same and hands the headers on") {
  // The six messages of the test above, with b keeping no copies: all six are still
  // delivered, each recipient_final carries its Return-Path and Received: header block,
  // and b's mailboxes stay empty.
  const ScenarioFile file(a_to_b("", 6, messages_to_each(6)));
  mailsim::scenario::World world(mailsim::scenario::load_scenario(file.path()));
  world.find_mta("b")->drop_mailbox_copies();
  std::vector<KeptFinal> delivered;
  world.events().recipient_final.connect([&](const RecipientFinal& f) {
    if (f.status == FinalStatus::kDelivered) delivered.push_back(f);
  });
  world.run(Time::zero() + Duration::hours(1));
  REQUIRE(delivered.size() == 6);
  for (const KeptFinal& f : delivered) {
    CHECK(f.headers.starts_with("Return-Path: <"));
    CHECK(f.headers.find("\r\nReceived: from ") != std::string::npos);
  }
  CHECK(world.find_mta("b")->mailboxes().empty());
}

TEST_CASE("with delivered headers off the copies carry none but kept mailboxes do") {
  // The same six messages. With events.delivered_headers off (the recorder below level
  // full) no recipient_final carries a header block; b still keeps its copies, headers
  // and all, until told to drop them; and the deliveries are the same either way.
  const ScenarioFile file(a_to_b("", 6, messages_to_each(6)));
  const auto deliveries = [&file](bool headers, bool drop) {
    mailsim::scenario::World world(mailsim::scenario::load_scenario(file.path()));
    world.events().delivered_headers = headers;
    if (drop) world.find_mta("b")->drop_mailbox_copies();
    std::vector<std::pair<std::string, double>> out;
    world.events().recipient_final.connect([&](const RecipientFinal& f) {
      if (f.status != FinalStatus::kDelivered) return;
      CHECK(f.headers.empty() == !headers);
      out.emplace_back(std::string(f.rcpt), f.at.seconds());
    });
    world.run(Time::zero() + Duration::hours(1));
    std::size_t kept = 0;
    for (const auto& [box, copies] : world.find_mta("b")->mailboxes()) {
      for (const std::string& copy : copies) {
        CHECK(copy.starts_with("Return-Path: <"));
        ++kept;
      }
    }
    CHECK(kept == (drop ? 0 : 6));
    return out;
  };
  const auto with = deliveries(true, false);
  CHECK(with.size() == 6);
  CHECK(deliveries(false, false) == with);
  CHECK(deliveries(false, true) == with);
}

TEST_CASE("a full queue answers MAIL with 452 4.3.1 and the sender retries at its next time") {
  // r holds at most 1 message. b's mail service is down until 200 s, so message 1 (sent
  // at 0 s) waits in r's deferred queue: r's attempt at ~0.06 s is refused, Postfix's next
  // time is ~0.08 + 300 s, taken by r's scan at 300 s (next <= scan + 1), when b is up.
  // Message 2 comes at 10 s while r is full: r answers MAIL with Postfix's
  // "452 4.3.1 Insufficient system storage". a (Postfix) fails at ~10.05 s with the
  // message ~0.05 s old, so next = ~10.05 + 300 = ~310.05: the scan at 300 s is too early
  // (310.05 > 301), the one at 600 s takes it. r has been empty since ~300.1 s and accepts.
  const RecordedRun r = record_run(R"(
name: full
hosts: [{name: a}, {name: r}, {name: b}]
links:
  - {between: [a, r], bandwidth: 10Mbps, latency: 10ms}
  - {between: [r, b], bandwidth: 10Mbps, latency: 10ms}
dns:
  mx: {b.example: "10 mail.b.example"}
mtas:
  - {name: a, host: a, hostname: mail.a.example, local_domains: [a.example], mailboxes: [x],
     relayhost: mail.r.example}
  - {name: r, host: r, hostname: mail.r.example, relay_domains: [b.example],
     queue: {capacity: 1}}
  - {name: b, host: b, hostname: mail.b.example, local_domains: [b.example], mailboxes: [bob]}
traffic:
  messages:
    - {at: 0s, origin: a, from: x@a.example, to: bob@b.example}
    - {at: 10s, origin: a, from: x@a.example, to: bob@b.example}
faults: [{type: mta_down, target: b, start: 0s, duration: 200s}]
)",
                                   Duration::hours(1));
  std::vector<AttemptFinished> from_a;
  for (const AttemptFinished& a : of_message(r.attempts, 2)) {
    if (a.from_node == "a") from_a.push_back(a);
  }
  REQUIRE(from_a.size() == 2);
  CHECK(from_a[0].started == Time::zero() + Duration::seconds(10));
  CHECK(from_a[0].outcome == AttemptOutcome::kDeferred);
  CHECK(from_a[0].code == 452);
  CHECK(from_a[0].enhanced == "4.3.1");
  CHECK(from_a[0].text == "Insufficient system storage");
  CHECK(from_a[1].started == Time::zero() + Duration::seconds(600));
  CHECK(from_a[1].outcome == AttemptOutcome::kSent);
  std::vector<double> r_tries;
  for (const AttemptFinished& a : of_message(r.attempts, 1)) {
    if (a.from_node == "r") r_tries.push_back(a.started.seconds());
  }
  REQUIRE(r_tries.size() == 2);
  CHECK(r_tries[0] < 0.2);
  CHECK(r_tries[1] == 300.0);
  REQUIRE(r.finals.size() == 2);
  for (const KeptFinal& f : r.finals) CHECK(f.status == FinalStatus::kDelivered);
  CHECK(r.finals[1].at > Time::zero() + Duration::seconds(600));
  CHECK(r.finals[1].at < Time::zero() + Duration::seconds(601));
}

TEST_CASE("postfix opens 5 sessions to a new destination and grows by one per delivery") {
  // initial_destination_concurrency 5 (reference §2): of 30 messages due at 0 s, five
  // sessions start at 0 s; each delivery adds one to the window (up to 20), so the others
  // follow as sessions end, never more than 20 at once.
  const RecordedRun r = record_run(a_to_b("", 30, messages_to_each(30)), Duration::hours(1));
  REQUIRE(r.attempts.size() == 30);
  int at_zero = 0;
  for (const AttemptFinished& a : r.attempts) at_zero += a.started == Time::zero();
  CHECK(at_zero == 5);
  CHECK(most_at_once(r.attempts) > 5);
  CHECK(most_at_once(r.attempts) <= 20);
}

TEST_CASE("the fourth connection failure makes a postfix destination dead for 300 s") {
  // b's MTA is down until 4 s, so connects are refused after one round trip (20 ms).
  // Messages 1-4 come at 0, 1, 2, 3 s and fail one after the other: failed cohorts
  // 1/5 + 1/4 + 1/3 + 1/2 >= 1 at the 4th (~3.02 s), so mail.b.example is dead until
  // ~303.02 s (minimal_backoff_time). Message 5 comes at 5 s, when b is up again, and is
  // deferred without a connection (no attempt row): Postfix's next time 5 + 300 = 305 s is
  // past the 300 s scan + 1, so it goes at the 600 s scan. Message 1 (failed at 0.02 s,
  // next 300.02 <= 301) is looked at by the 300 s scan while the destination is still
  // dead: deferred again without connecting, and with queue_lifetime 250 s it expires
  // then, with the dead destination's reason. Messages 2-4 (next 301.02 s and later) and
  // 5 go at 600 s, when the window is back at 5, and get through.
  const RecordedRun r =
      record_run(a_to_b(", retry: {preset: postfix, queue_lifetime: 250s}", 1, R"([
    {at: 0s, origin: a, from: x@a.example, to: u1@b.example},
    {at: 1s, origin: a, from: x@a.example, to: u1@b.example},
    {at: 2s, origin: a, from: x@a.example, to: u1@b.example},
    {at: 3s, origin: a, from: x@a.example, to: u1@b.example},
    {at: 5s, origin: a, from: x@a.example, to: u1@b.example}]
faults: [{type: mta_down, target: b, start: 0s, duration: 4s}])"),
                 Duration::hours(1));
  std::map<MessageNumber, std::vector<double>> starts;
  for (const AttemptFinished& a : r.attempts) {
    if (a.from_node == "a" && a.msg <= 5) starts[a.msg].push_back(a.started.seconds());
  }
  CHECK(starts[1] == std::vector<double>{0});
  CHECK(starts[2] == std::vector<double>{1, 600});
  CHECK(starts[3] == std::vector<double>{2, 600});
  CHECK(starts[4] == std::vector<double>{3, 600});
  CHECK(starts[5] == std::vector<double>{600});
  for (const AttemptFinished& a : of_message(r.attempts, 4)) {
    if (a.started.seconds() == 3) CHECK(a.outcome == AttemptOutcome::kConnRefused);
  }
  const std::vector<KeptFinal> first = of_message(r.finals, 1);
  REQUIRE(first.size() == 1);
  CHECK(first[0].status == FinalStatus::kExpired);
  CHECK(first[0].at == Time::zero() + Duration::seconds(300));
  CHECK(first[0].code == 451);
  CHECK(first[0].reply ==
        "4.4.1 delivery temporarily suspended: connect to mail.b.example:25: Connection refused");
  for (MessageNumber m = 2; m <= 5; ++m) {
    REQUIRE(of_message(r.finals, m).size() == 1);
    CHECK(of_message(r.finals, m)[0].status == FinalStatus::kDelivered);
  }
}

namespace {

// Message 3's attempt from a when three messages for b come at 0 s and only one session
// may run to b (10 Gbps, 10 ms latency: a round trip R is 20 ms).
AttemptFinished third_delivery(const std::string& queue_keys) {
  std::string yaml = a_to_b(", queue: {destination_concurrency_limit: 1" + queue_keys + "}", 3,
                            messages_to_each(3));
  yaml.replace(yaml.find("10Mbps"), 6, "10Gbps");
  const RecordedRun r = record_run(yaml, Duration::hours(1));
  const std::vector<AttemptFinished> third = of_message(r.attempts, 3);
  REQUIRE(third.size() == 1);
  CHECK(third[0].outcome == AttemptOutcome::kSent);
  REQUIRE(of_message(r.finals, 3).size() == 1);
  CHECK(of_message(r.finals, 3)[0].status == FinalStatus::kDelivered);
  return third[0];
}

Duration until_mail(const AttemptFinished& a) {
  for (const TranscriptEntry& e : a.transcript) {
    if (e.direction == 'C' && e.line.starts_with("MAIL FROM:")) return e.at - a.started;
  }
  FAIL("no MAIL in the transcript");
  return {};
}

}  // namespace

TEST_CASE("a cached connection saves the connect, greeting and EHLO round trips for an RSET") {
  // Postfix caches on demand (qmgr_entry.c): message 1 is selected before any delivery to b
  // ended, so its session QUITs; message 2, selected as it ends (back to back), turns the
  // cache on, and its session, within 300 s of the connect, carries message 3, which waits
  // for b: message 3's attempt starts when message 2's transaction ends, with RSET:
  // MAIL goes one round trip later, R = 20 ms. A new session instead connects (SYN-ACK
  // back after R), the server greets when the client's ACK arrives (1.5 R) and the greeting
  // reaches the client at 2 R; EHLO's reply comes at 3 R, then MAIL. The cache saves
  // 3 R - R = 2 R = 40 ms before MAIL. (The bytes take about 0.03 us each way at 10 Gbps.)
  const Duration tolerance = Duration::microseconds(1);
  const AttemptFinished cached = third_delivery("");
  REQUIRE_FALSE(cached.transcript.empty());
  CHECK(cached.transcript.front().line == "RSET");
  const AttemptFinished fresh = third_delivery(", connection_reuse: false");
  REQUIRE_FALSE(fresh.transcript.empty());
  CHECK(fresh.transcript.front().line.starts_with("220 "));
  const Duration r = Duration::milliseconds(20);
  CHECK(until_mail(cached) - r < tolerance);
  CHECK(until_mail(cached) >= r);
  CHECK(until_mail(fresh) >= r * 3);
  CHECK(until_mail(fresh) - r * 3 < tolerance);
  const Duration saved = until_mail(fresh) - until_mail(cached);
  CHECK(saved - r * 2 < tolerance);
  CHECK(r * 2 - saved < tolerance);
}
