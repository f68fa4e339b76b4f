// The summary `mailsim run` prints is made on the writer thread as the rows are written
// (Recorder::summary); it must be the one read back from the file. The summary tests'
// hand-built runs check it for each of them (test::check_live_summary); here, a run of
// thousands of messages that spans many batches, with messages finished mid-run and
// others left in flight, at each record level. And the exact sum the mean stays use.
#include <sqlite3.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "mailsim/record/recorder.h"
#include "mailsim/record/summary.h"
#include "record/exact_sum.h"
#include "sample_run.h"
#include "support/catch.h"

namespace mailsim::record {
namespace {

using test::at_seconds;
__extension__ using Int128 = __int128;  // GCC's and Clang's, for an exact reference sum

double exact_sum(const std::vector<double>& values) {
  ExactSum sum;
  for (const double v : values) sum.add(v);
  return sum.value();
}

TEST_CASE("the exact sum is the true sum rounded once, whatever the order") {
  // Ten tenths: adding them one by one gives 0.9999999999999999; their exact sum,
  // 10 x 0.1000000000000000055511151231257827, rounds to 1.
  CHECK(exact_sum(std::vector<double>(10, 0.1)) == 1.0);
  // Cancellation: the small terms survive the large ones.
  CHECK(exact_sum({1e100, 1.0, -1e100, 1e-100, 1e50, -1.0, -1e50}) == 1e-100);
  // Ties round to even, decided by the partials below the halfway point (Python's
  // math.fsum cases): 2^53 - 0.5 - 2^-54 lies just below the tie between 2^53 - 1 and
  // 2^53; 2^53 + 1 + 2^-100 just above the tie between 2^53 and 2^53 + 2.
  const double two53 = std::ldexp(1.0, 53);
  CHECK(exact_sum({two53, -0.5, -std::ldexp(1.0, -54)}) == two53 - 1.0);
  CHECK(exact_sum({two53, 1.0, std::ldexp(1.0, -100)}) == two53 + 2.0);
  CHECK(exact_sum({two53 + 10.0, 1.0, std::ldexp(1.0, -100)}) == two53 + 12.0);
  CHECK(exact_sum({two53 - 4.0, 0.5, std::ldexp(1.0, -54)}) == two53 - 3.0);
  CHECK(exact_sum({}) == 0.0);
  // Any order: durations of many magnitudes, shuffled.
  std::mt19937_64 random(7);
  std::vector<double> values;
  for (int i = 0; i < 2000; ++i) {
    values.push_back(std::ldexp(std::uniform_real_distribution<double>(0, 1)(random),
                                std::uniform_int_distribution<int>(-30, 30)(random)));
  }
  const double sum = exact_sum(values);
  for (int round = 0; round < 5; ++round) {
    std::shuffle(values.begin(), values.end(), random);
    CHECK(exact_sum(values) == sum);
  }
}

TEST_CASE("the exact sum matches an integer reference over sixty binary orders of magnitude") {
  // Values m * 2^e, |m| < 2^20, e from -60 to 0: their exact sum is an integer number of
  // 2^-80, summed in 128 bits and rounded to a double once, by the compiler's conversion
  // (round to nearest, ties to even). Adding the doubles one by one loses the small ones.
  std::mt19937_64 random(11);
  for (int trial = 0; trial < 20; ++trial) {
    std::vector<double> values;
    Int128 exact = 0;  // in units of 2^-80
    for (int i = 0; i < 500; ++i) {
      const std::int64_t m =
          std::uniform_int_distribution<std::int64_t>(-(1 << 20) + 1, (1 << 20) - 1)(random);
      const int e = std::uniform_int_distribution<int>(-60, 0)(random);
      values.push_back(std::ldexp(static_cast<double>(m), e));
      exact += static_cast<Int128>(m) << (e + 80);
    }
    const double reference = std::ldexp(static_cast<double>(exact), -80);
    CHECK(exact_sum(values) == reference);
    std::shuffle(values.begin(), values.end(), random);
    CHECK(exact_sum(values) == reference);
  }
}

// 6,000 messages from a (postfix) or b (exim) through c, one to three recipients each:
// attempts deferred and sent, hops, deliveries, bounces with their notices, turns deferred
// without connecting, client kinds, queue samples, and a message_finished for most, so
// that messages are finished in many batches while others stay in flight to the end.
void record_busy_run(Recorder& recorder) {
  recorder.add_node("a", "host", "postfix");
  recorder.add_node("b", "host", "exim");
  recorder.add_node("c", "host");
  recorder.add_queue_nodes({"a", "b"});
  mta::MailEvents events;
  recorder.subscribe(events);
  std::mt19937_64 random(42);
  const auto pick = [&random](int n) {
    return std::uniform_int_distribution<int>(0, n - 1)(random);
  };
  const auto count = [&pick](int n) { return static_cast<std::size_t>(pick(n)); };
  const char* client_kinds[] = {"", "desktop", "webmail", "local"};
  mta::MessageNumber next = 1;
  double now = 0;
  for (int i = 0; i < 6000; ++i) {
    now += 0.001 * (1 + pick(997));
    const mta::MessageNumber msg = next++;
    const char* origin = pick(2) == 0 ? "a" : "b";
    std::vector<std::string> rcpts;
    for (int r = 0, n = 1 + pick(3); r < n; ++r) {
      rcpts.push_back("u" + std::to_string(pick(50)) + "@c.example");
    }
    events.message_created({msg, "<" + std::to_string(msg) + "@x>", "s@a", rcpts, 1000, origin,
                            at_seconds(now), mta::MessageKind::kUser, 0, client_kinds[pick(4)]});
    events.message_queued({msg, origin, "Q", "", at_seconds(now)});
    double t = now;
    const char* from = origin;
    if (pick(3) == 0 && from[0] == 'a') {  // relayed through b first
      t += 0.5;
      mta::AttemptFinished hop =
          test::make_attempt(msg, "a", "b", t - 0.5, t, mta::AttemptOutcome::kSent, 250, "", "Ok");
      for (const std::string& r : rcpts) {
        hop.recipients.push_back({r, mta::RecipientOutcome::kAccepted, 250, "", "Ok"});
      }
      events.attempt_finished(hop);
      events.message_queued({msg, "b", "Q", "a", at_seconds(t)});
      from = "b";
    }
    if (pick(5) == 0) {
      events.delivery_deferred(
          {msg, from, "mx:c.example", at_seconds(t), "suspended", rcpts, 451, "4.4.1", "dead"});
    }
    for (int tries = pick(3); tries > 0; --tries) {  // deferred attempts
      t += 300;
      mta::AttemptFinished a = test::make_attempt(msg, from, "c", t, t + 30,
                                                  mta::AttemptOutcome::kDeferred, 451, "", "later");
      for (const std::string& r : rcpts) {
        a.recipients.push_back({r, mta::RecipientOutcome::kDeferred, 451, "", "later"});
      }
      events.attempt_finished(a);
    }
    if (pick(10) == 0) continue;  // still in flight at the end
    t += 60;
    mta::AttemptFinished last =
        test::make_attempt(msg, from, "c", t, t + 1, mta::AttemptOutcome::kSent, 250, "", "Ok");
    for (const std::string& r : rcpts) {
      const bool bounced = pick(8) == 0;
      last.recipients.push_back(
          {r, bounced ? mta::RecipientOutcome::kRejected : mta::RecipientOutcome::kAccepted,
           bounced ? 550 : 250, "", bounced ? "no" : "Ok"});
    }
    events.attempt_finished(last);
    events.message_queued({msg, "c", "Q", from, at_seconds(t + 1)});
    for (const mta::AttemptRecipient& r : last.recipients) {
      if (r.code == 550) {
        events.recipient_final({msg, r.rcpt, mta::FinalStatus::kBounced, from, at_seconds(t + 1),
                                550, "5.1.1 no", ""});
        const mta::MessageNumber bounce = next++;
        events.message_created({bounce,
                                "",
                                "",
                                {"s@a"},
                                2000,
                                from,
                                at_seconds(t + 1),
                                mta::MessageKind::kBounce,
                                msg});
        events.message_queued({bounce, from, "Q", "", at_seconds(t + 1)});
        events.recipient_final({bounce, "s@a", mta::FinalStatus::kDelivered, "a", at_seconds(t + 2),
                                250, "2.0.0 ok", ""});
        events.message_finished({bounce, at_seconds(t + 2)});
      } else {
        events.recipient_final({msg, r.rcpt, mta::FinalStatus::kDelivered, "c",
                                at_seconds(t + 1 + 0.001 * pick(1000)), 250, "2.0.0 ok", ""});
      }
    }
    if (pick(4) != 0) events.message_finished({msg, at_seconds(t + 3)});
    if (i % 100 == 0) {
      const QueueSample queues[] = {{0, {count(5), count(5), count(50)}},
                                    {1, {count(5), count(5), count(50)}}};
      recorder.add_queue_sample(at_seconds(now), queues);
    }
  }
}

TEST_CASE("the summary made as the rows are written is the one read back, over many batches") {
  for (const RecordLevel level :
       {RecordLevel::kSummary, RecordLevel::kAttempts, RecordLevel::kFull}) {
    CAPTURE(to_string(level));
    test::TempDb db;
    Recorder recorder(db.path(), {"busy", "", 3, "0.1.0"}, level, Existing::kRefuse,
                      Summarise::kAsWritten);
    record_busy_run(recorder);
    recorder.finish(at_seconds(100000));
    test::check_live_summary(recorder, db.path());
    // The run is what it was made to be: every kind of figure has something in it.
    const Summary s = recorder.summary();
    CHECK(s.messages == 6000);
    CHECK(s.bounces_sent > 0);
    CHECK(s.recipients.bounced > 0);
    CHECK(s.recipients.queued > 0);
    CHECK(s.client_kinds.size() == 3);
    if (level != RecordLevel::kSummary) {
      CHECK(s.deferrals > 0);
      REQUIRE(s.retry_policies.size() == 2);
      CHECK(s.retry_policies[0].recipients.count > 0);
      CHECK(s.retry_policies[1].recipients.count > 0);
      REQUIRE(s.nodes.size() == 3);
      CHECK(s.nodes[0].mean_time_s);
      CHECK(s.nodes[0].peak_queue);
    }
  }
}

TEST_CASE("the summary tallied as written does not read the figures back") {
  // The recipient rows are deleted from the file after the run: the summary read back sees
  // none, the one tallied as they were written still counts them.
  for (const Summarise summarise : {Summarise::kAsWritten, Summarise::kReadBack}) {
    test::TempDb db;
    Recorder recorder(db.path(), {"busy", "", 3, "0.1.0"}, RecordLevel::kAttempts,
                      Existing::kRefuse, summarise);
    record_busy_run(recorder);
    recorder.finish(at_seconds(100000));
    sqlite3* raw = nullptr;
    REQUIRE(sqlite3_open(db.path().c_str(), &raw) == SQLITE_OK);
    CHECK(sqlite3_exec(raw, "DELETE FROM recipient", nullptr, nullptr, nullptr) == SQLITE_OK);
    sqlite3_close(raw);
    const Summary s = recorder.summary();
    CHECK(s.messages == 6000);
    if (summarise == Summarise::kAsWritten) {
      CHECK(s.recipients.count > 6000);
    } else {
      CHECK(s.recipients.count == 0);
    }
    CHECK(read_summary(db.path()).recipients.count == 0);
  }
}

TEST_CASE("without tallying as it writes, the recorder reads its summary back") {
  test::TempDb db;
  Recorder recorder(db.path(), {"busy", "", 3, "0.1.0"}, RecordLevel::kAttempts);
  record_busy_run(recorder);
  recorder.finish(at_seconds(100000));
  std::ostringstream own, read;
  print_summary_json(recorder.summary(), own);
  print_summary_json(read_summary(db.path()), read);
  CHECK(own.str() == read.str());
  CHECK(own.str().find("\"messages\":6000,") != std::string::npos);
}

TEST_CASE("the recorder's summary is there only after the run's end") {
  test::TempDb db;
  Recorder recorder(db.path(), {"early", "", 1, "0.1.0"}, RecordLevel::kSummary, Existing::kRefuse,
                    Summarise::kAsWritten);
  CHECK_THROWS_AS(recorder.summary(), std::logic_error);
  recorder.finish(at_seconds(1));
  CHECK(recorder.summary().status == "completed");
  test::check_live_summary(recorder, db.path());  // a second time: the same
}

}  // namespace
}  // namespace mailsim::record
