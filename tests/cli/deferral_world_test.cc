// Turns deferred without connecting, as the results record them (table deferral): a
// Postfix destination held dead (reference §2) and a DNS outage. The times follow
// Postfix's retry law (reference §1): next = failure + clamp(age, 300 s, 4000 s), taken
// at the first 300 s queue scan with next <= scan + 1.
#include <sqlite3.h>

#include <cstdio>
#include <filesystem>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

#include "mailsim/record/recorder.h"
#include "mailsim/record/trace.h"
#include "mailsim/scenario/config.h"
#include "mailsim/scenario/world.h"
#include "scenario/scenario_file.h"
#include "scenario/scripted_server.h"
#include "scenario/skip_world.h"
#include "support/catch.h"

namespace {

using mailsim::Duration;
using mailsim::Time;

// (msg_id, rcpt, node, nexthop, t_s, kind, reply_code, enhanced_code, reply_text)
using Row = std::tuple<int, std::string, std::string, std::string, double, std::string, int,
                       std::string, std::string>;

struct Recorded {
  std::vector<Row> deferrals;
  std::vector<std::tuple<int, double>> attempts;  // (msg_id, started_s)
  std::vector<std::tuple<int, int, int>> views;   // recipient_attempts: msg, attempts, deferrals
  int recipient_attempts = 0;                     // recipient.attempts summed
  std::string trace;                              // mailsim trace of message 1
};

std::string text(sqlite3_stmt* s, int col) {
  const unsigned char* t = sqlite3_column_text(s, col);
  return t == nullptr ? std::string() : reinterpret_cast<const char*>(t);
}

template <typename F>
void each_row(sqlite3* db, const char* sql, F row) {
  sqlite3_stmt* s = nullptr;
  REQUIRE(sqlite3_prepare_v2(db, sql, -1, &s, nullptr) == SQLITE_OK);
  while (sqlite3_step(s) == SQLITE_ROW) row(s);
  sqlite3_finalize(s);
}

// Runs the scenario until `until` with the recorder at level attempts, then reads back
// what the database holds. `world_ready` runs after start (to add scripted servers).
template <typename F>
Recorded record(const std::string& yaml, Duration until, F world_ready) {
  const ScenarioFile file(yaml);
  const std::string path = file.path() + ".db";
  std::filesystem::remove(path);
  {
    mailsim::scenario::World world(mailsim::scenario::load_scenario(file.path()));
    mailsim::record::Recorder recorder(path, {"deferral", "", 1},
                                       mailsim::record::RecordLevel::kAttempts);
    recorder.subscribe(world.events());
    world.start();
    world_ready(world);
    world.simulator().run_until(Time::zero() + until);
    recorder.finish(Time::zero() + until);
  }
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
  Recorded r;
  each_row(db,
           "SELECT msg_id, rcpt, node, nexthop, t_s, kind, reply_code, enhanced_code, reply_text"
           " FROM deferral ORDER BY t_s, msg_id",
           [&](sqlite3_stmt* s) {
             r.deferrals.emplace_back(sqlite3_column_int(s, 0), text(s, 1), text(s, 2), text(s, 3),
                                      sqlite3_column_double(s, 4), text(s, 5),
                                      sqlite3_column_int(s, 6), text(s, 7), text(s, 8));
           });
  each_row(db, "SELECT msg_id, started_s FROM attempt ORDER BY started_s, msg_id",
           [&](sqlite3_stmt* s) {
             r.attempts.emplace_back(sqlite3_column_int(s, 0), sqlite3_column_double(s, 1));
           });
  each_row(db,
           "SELECT msg_id, attempts, deferrals FROM recipient_attempts"
           " WHERE rcpt = 'bob@b.example' ORDER BY msg_id",
           [&](sqlite3_stmt* s) {
             r.views.emplace_back(sqlite3_column_int(s, 0), sqlite3_column_int(s, 1),
                                  sqlite3_column_int(s, 2));
           });
  each_row(db, "SELECT total(attempts) FROM recipient",
           [&](sqlite3_stmt* s) { r.recipient_attempts = sqlite3_column_int(s, 0); });
  sqlite3_close(db);
  std::ostringstream trace;
  mailsim::record::print_trace(path, "1", trace);
  r.trace = trace.str();
  std::filesystem::remove(path);
  return r;
}

std::string message_at(int seconds) {
  return "{at: " + std::to_string(seconds) + "s, origin: a, from: x@a.example, to: bob@b.example}";
}

}  // namespace

TEST_CASE("a turn deferred while the postfix destination is dead is a deferral row, no attempt") {
  // The setup of the greeting-timeout test (tests/scenario/site_failure_world_test.cc): a
  // (Postfix, queue lifetime 500 s) sends messages at 0, 1, 2, 3 and 304 s to b.example,
  // whose only MX host p accepts and never greets. The first four sessions time out at
  // 300.02 + i s (smtp_helo_timeout 300 s); failed cohorts 1/5 + 1/4 + 1/3 + 1/2 >= 1 at
  // the 4th make mx:b.example dead from 303.02 s to 603.02 s (minimal_backoff_time 300 s).
  // Message 5 arrives at 304 s (processing_delay 0): deferred at once without connecting.
  // Message 1: next = 300.02 + clamp(300.02, 300, 4000) = 600.04 <= 600 + 1, so the 600 s
  // scan takes it while the destination is still dead: deferred again, and it expires.
  // Messages 2-5 connect at the 900 s scan. Both deferrals carry Postfix's text: "delivery
  // temporarily suspended: " and the reason of the failure that killed the destination.
  const std::string yaml = R"(
name: silent
hosts: [{name: a}, {name: p}]
links: [{between: [a, p], bandwidth: 10Mbps, latency: 10ms}]
dns:
  mx: {b.example: "10 mail.p.example"}
mtas:
  - {name: a, host: a, hostname: mail.a.example, local_domains: [a.example], mailboxes: [x],
     retry: {preset: postfix, queue_lifetime: 500s}}
  - {name: p, host: p, hostname: mail.p.example, local_domains: [b.example], mailboxes: [bob]}
traffic:
  messages: [)" + message_at(0) +
                           ", " + message_at(1) + ", " + message_at(2) + ", " + message_at(3) +
                           ", " + message_at(304) + "]\n";
  const Recorded r = record(yaml, Duration::seconds(1300), [](mailsim::scenario::World& world) {
    serve_script(world.network(), *world.topology().find("p"), "", {"250 ok"});
  });
  const std::string why =
      "delivery temporarily suspended: conversation with mail.p.example timed out while "
      "receiving the initial server greeting";
  CHECK(r.deferrals ==
        std::vector<Row>{
            {5, "bob@b.example", "a", "mx:b.example", 304.0, "suspended", 451, "4.4.1", why},
            {1, "bob@b.example", "a", "mx:b.example", 600.0, "suspended", 451, "4.4.1", why},
        });
  // Four attempts at 0-3 s, four at 900 s; the deferred turns are none of them.
  REQUIRE(r.attempts.size() == 8);
  CHECK(std::get<1>(r.attempts[4]) == 900.0);
  // Message 1: one attempt (at 0 s) and one deferral; message 5: one each (900 s, 304 s).
  CHECK(r.views == std::vector<std::tuple<int, int, int>>{
                       {1, 1, 1}, {2, 2, 0}, {3, 2, 0}, {4, 2, 0}, {5, 1, 1}});
  CHECK(r.recipient_attempts == 8);  // recipient.attempts counts connections only
}

TEST_CASE("each MX lookup that fails during a DNS outage is a dns deferral at postfix's times") {
  // DNS down from 0 to 3000 s; one message at 0 s from a (Postfix preset) to bob@b.example.
  // The MX lookup at 0 s fails for now. Postfix's law (age = now - 0): 0 -> next 0 + 300 =
  // 300 (scan 300); 300 -> 300 + 300 = 600 (scan 600); 600 -> 600 + 600 = 1200 (scan 1200);
  // 1200 -> 1200 + 1200 = 2400 (scan 2400); 2400 -> 2400 + 2400 = 4800 (scan 4800), after
  // the outage: the lookup succeeds and the only attempt, at 4800 s, delivers.
  const std::string yaml = R"(
name: dns
hosts: [{name: a}, {name: b}]
links: [{between: [a, b], bandwidth: 10Mbps, latency: 10ms}]
defaults: {retry: {preset: postfix}}
mtas:
  - {name: a, host: a, hostname: mail.a.example}
  - {name: b, host: b, hostname: mail.b.example, local_domains: [b.example], mailboxes: [bob]}
dns:
  mx: {b.example: "10 mail.b.example"}
traffic:
  messages: [{at: 0s, origin: a, from: x@a.example, to: bob@b.example}]
faults: [{type: dns_down, start: 0s, duration: 50m}]
)";
  const Recorded r = record(yaml, Duration::hours(3), [](mailsim::scenario::World&) {});
  const std::string reply =
      "Host or domain name not found. Name service error for name=b.example type=MX: Host not "
      "found, try again";
  std::vector<Row> expected;
  for (const double t : {0.0, 300.0, 600.0, 1200.0, 2400.0}) {
    expected.emplace_back(1, "bob@b.example", "a", "mx:b.example", t, "dns", 451, "4.4.3", reply);
  }
  CHECK(r.deferrals == expected);
  REQUIRE(r.attempts.size() == 1);
  CHECK(r.attempts[0] == std::tuple<int, double>{1, 4800.0});
  CHECK(r.views == std::vector<std::tuple<int, int, int>>{{1, 1, 5}});
}

namespace {

Row skipped(int msg, double t, const std::string& kind, const std::string& text) {
  return {msg, "bob@b.example", "a", "mx:b.example", t, kind, 451, "4.4.1", text};
}

}  // namespace

TEST_CASE("exim's turns refused by the host's retry time are retry_time deferrals") {
  // b is down (connects time out after 30 s). Exim's host retry record "T:mail.b.example"
  // is shared by all messages (reference §1, Exim retry keys; default rule F,2h,15m):
  // message 1 fails at 30 s -> host due 30 + 900 = 930 s. Message 2 comes at 600 s, before
  // 930: deferred without connecting (retry_time), due 930. Message 3 comes at 1000 s,
  // after 930: tried, fails at 1030 s; the failing interval 1030 - 30 = 1000 s is under
  // 2 h, so F,2h,15m again: host due 1030 + 900 = 1930 s. The queue run at 1800 s (every
  // 30 min) finds messages 1 and 2 due (930) but the host not (1930): both deferred
  // without connecting. The 3600 s run tries all three.
  const Recorded r = record(
      skip_world("exim", {0, 600, 1000}, "{type: host_down, target: b, start: 0s, duration: 3h}"),
      Duration::seconds(4000), [](mailsim::scenario::World&) {});
  const std::string why = "retry time not reached for any host for 'mx:b.example'";
  CHECK(r.deferrals == std::vector<Row>{skipped(2, 600, "retry_time", why),
                                        skipped(1, 1800, "retry_time", why),
                                        skipped(2, 1800, "retry_time", why)});
  CHECK(r.attempts ==
        std::vector<std::tuple<int, double>>{{1, 0}, {3, 1000}, {1, 3600}, {2, 3600}, {3, 3600}});
  CHECK(r.views == std::vector<std::tuple<int, int, int>>{{1, 2, 1}, {2, 1, 2}, {3, 2, 0}});
}

TEST_CASE("qmail's turns whose host timed out twice are tcpto deferrals") {
  // b is down: every connect times out after 30 s. qmail tries at ages 400 k^2 s (reference
  // §1): 0, 400, 1600, 3600, 6400, 10000, 14400. Timeouts at 30 and 430 s: two in a row,
  // so the host is skipped until 430 + (60 + 0..31) x 64 s, 4270..6254 s (reference §2):
  // 1600 and 3600 s are deferred without connecting. 6400 s connects (timeout 3 at 6430 s:
  // skipped until 10270..12254 s), so 10000 s is deferred too; 14400 s connects.
  const Recorded r =
      record(skip_world("qmail", {0}, "{type: host_down, target: b, start: 0s, duration: 5h}"),
             Duration::seconds(15000), [](mailsim::scenario::World&) {});
  const std::string why =
      "Sorry, I wasn't able to establish an SMTP connection: mail.b.example timed out twice. "
      "(#4.4.1)";
  CHECK(r.deferrals == std::vector<Row>{skipped(1, 1600, "tcpto", why),
                                        skipped(1, 3600, "tcpto", why),
                                        skipped(1, 10000, "tcpto", why)});
  CHECK(r.attempts ==
        std::vector<std::tuple<int, double>>{{1, 0}, {1, 400}, {1, 6400}, {1, 14400}});
  CHECK(r.views == std::vector<std::tuple<int, int, int>>{{1, 4, 3}});
  // trace shows each such turn between the attempts, unnumbered.
  INFO(r.trace);
  for (const char* turn : {"00:26:40.000", "01:00:00.000", "02:46:40.000"}) {
    const std::string line = std::string("  deferred at ") + turn +
                             " without connecting (tcpto, mx:b.example): 451 4.4.1 " + why + "\n";
    CHECK(r.trace.find(line) != std::string::npos);
  }
  CHECK(r.trace.find("  attempt 4 at 04:00:00.000: conn_timeout") != std::string::npos);
}

TEST_CASE("opensmtpd's turns on a disabled route are route_disabled deferrals") {
  // b's MTA is down: connects are refused after one 20 ms round trip. OpenSMTPD disables
  // the route for 15 s x penalty^2 (reference §2) and retries at ctime + 400 k^2 s
  // (reference §1). Message 1 fails at 0.02 s: penalty 1, off until 15.02 s, so message 2
  // (at 10 s) is deferred without connecting, and retried at 10 + 400 = 410 s. Message 1
  // fails again at 400.02 s: penalty 2, off until 460.02 s, so message 2 at 410 s and
  // message 3 (new at 430 s) are deferred too; message 3 connects at 430 + 400 = 830 s.
  const Recorded r = record(
      skip_world("opensmtpd", {0, 10, 430}, "{type: mta_down, target: b, start: 0s, duration: 1h}"),
      Duration::seconds(1000), [](mailsim::scenario::World&) {});
  const std::string once = "route to mail.b.example disabled after 1 failed connection(s)";
  const std::string twice = "route to mail.b.example disabled after 2 failed connection(s)";
  CHECK(r.deferrals == std::vector<Row>{skipped(2, 10, "route_disabled", once),
                                        skipped(2, 410, "route_disabled", twice),
                                        skipped(3, 430, "route_disabled", twice)});
  CHECK(r.attempts == std::vector<std::tuple<int, double>>{{1, 0}, {1, 400}, {3, 830}});
  CHECK(r.views == std::vector<std::tuple<int, int, int>>{{1, 2, 0}, {2, 0, 2}, {3, 1, 1}});
}
