// The recorder's recipient tally holds only the messages in flight: a finished message's
// rows are taken at once, with rowids that keep the recipient table in message number
// order whenever they are written. Driven by hand with the steps the recorder logs for the
// events the models emit.
#include "record/recipient_tally.h"

#include <deque>
#include <string>
#include <string_view>
#include <vector>

#include "support/catch.h"

namespace mailsim::record {
namespace {

Time at_seconds(double s) {
  return Time::zero() + Duration::nanoseconds(static_cast<std::int64_t>(s * 1e9));
}

// The steps the recorder logs for the events the models emit; `kept` holds their text.
struct Steps {
  std::deque<std::string> kept;
  std::string_view keep(std::string s) { return kept.emplace_back(std::move(s)); }

  std::vector<TallyStep> created(mta::MessageNumber msg, double at,
                                 const std::vector<std::string>& recipients) {
    std::vector<TallyStep> steps;
    for (const std::string& rcpt : recipients) {
      steps.push_back(
          {.kind = TallyStep::Kind::kNamed, .msg = msg, .at = at_seconds(at), .rcpt = keep(rcpt)});
    }
    return steps;
  }
  TallyStep delivered(mta::MessageNumber msg, const std::string& rcpt, double at) {
    return {.kind = TallyStep::Kind::kFinal,
            .status = mta::FinalStatus::kDelivered,
            .code = 250,
            .msg = msg,
            .at = at_seconds(at),
            .rcpt = keep(rcpt),
            .node = "b",
            .reply = "2.0.0 delivered to mailbox"};
  }
  TallyStep attempt(mta::MessageNumber msg, const std::string& rcpt, int code,
                    const std::string& enhanced, const std::string& text) {
    return {.kind = TallyStep::Kind::kAttempted,
            .code = code,
            .msg = msg,
            .rcpt = keep(rcpt),
            .enhanced = keep(enhanced),
            .reply = keep(text)};
  }
};

// The rows of the messages taken, which they view.
struct Rows {
  std::deque<TalliedMessage> messages;
  std::vector<RecipientRow> rows;
  void operator()(TalliedMessage&& m) {
    const TalliedMessage& kept = messages.emplace_back(std::move(m));
    for (std::size_t i = 0; i < kept.recipients.size(); ++i) rows.push_back(recipient_row(kept, i));
  }
  // Applies the step; a message it finishes is taken.
  void apply(RecipientTally& tally, const TallyStep& step) {
    std::vector<TalliedMessage> taken;
    tally.apply(step, taken);
    for (TalliedMessage& m : taken) (*this)(std::move(m));
  }
  void apply(RecipientTally& tally, const std::vector<TallyStep>& steps) {
    for (const TallyStep& step : steps) apply(tally, step);
  }
  void take(RecipientTally& tally, mta::MessageNumber msg) {
    apply(tally, TallyStep{.kind = TallyStep::Kind::kFinished, .msg = msg});
  }
};

}  // namespace

TEST_CASE("after each of many sequential messages finishes, the tally holds none") {
  // 1000 messages, message k created at 60(k-1) s to u@b.example, relayed once and
  // delivered 2 s later, finished then: the tally holds 1 message while it is in flight
  // and 0 after it, and hands over exactly its one row.
  RecipientTally tally;
  Rows taken;
  Steps log;
  for (mta::MessageNumber k = 1; k <= 1000; ++k) {
    const double t = 60.0 * static_cast<double>(k - 1);
    taken.apply(tally, log.created(k, t, {"u@b.example"}));
    taken.apply(tally, log.attempt(k, "u@b.example", 250, "2.0.0", "Ok: queued as X"));
    taken.apply(tally, log.delivered(k, "u@b.example", t + 2));
    REQUIRE(tally.messages() == 1);
    taken.take(tally, k);
    REQUIRE(tally.messages() == 0);
    REQUIRE(taken.rows.size() == k);
  }
  const RecipientRow& last = taken.rows.back();
  CHECK(last.msg == 1000);
  CHECK(last.status == "delivered");
  CHECK(last.attempts == 1);
  CHECK(last.final_s == Approx(59942.0));  // 60 * 999 + 2
  CHECK(last.latency_s == Approx(2.0));
  CHECK(last.last_code == 250);
  CHECK(last.last_reply == "2.0.0 delivered to mailbox");
  int left = 0;
  tally.take_rows([&](TalliedMessage&&) { ++left; });
  CHECK(left == 0);
}

TEST_CASE("messages in flight stay in the tally until they finish, in any order") {
  // Message 1 (to u and v) is deferred for v; message 2 (to w) is delivered and finishes
  // first. The tally then holds message 1 only; at the end of the run v is still queued.
  RecipientTally tally;
  Rows taken;
  Steps log;
  taken.apply(tally, log.created(1, 0, {"u@b.example", "v@c.example"}));
  taken.apply(tally, log.created(2, 10, {"w@b.example"}));
  taken.apply(tally, log.attempt(1, "u@b.example", 250, "2.1.5", "Ok"));
  taken.apply(tally,
              log.attempt(1, "v@c.example", 451, "4.4.1", "connect to mx.c.example:25: timed out"));
  taken.apply(tally, log.delivered(1, "u@b.example", 3));
  taken.apply(tally, log.delivered(2, "w@b.example", 12.5));
  CHECK(tally.messages() == 2);
  taken.take(tally, 2);
  CHECK(tally.messages() == 1);
  REQUIRE(taken.rows.size() == 1);
  CHECK(taken.rows[0].latency_s == Approx(2.5));  // created at 10 s, delivered at 12.5 s
  tally.take_rows(std::ref(taken));
  CHECK(tally.messages() == 0);
  REQUIRE(taken.rows.size() == 3);
  CHECK(taken.rows[1].rcpt == "u@b.example");
  CHECK(taken.rows[2].rcpt == "v@c.example");
  CHECK(taken.rows[2].status == "queued");
  CHECK(taken.rows[2].last_reply == "4.4.1 connect to mx.c.example:25: timed out");
  CHECK_FALSE(taken.rows[2].final_s.has_value());
  // Written 2, then 1's two rows: the rowids still order the table 1/u, 1/v, 2/w.
  CHECK(taken.rows[1].rowid < taken.rows[2].rowid);
  CHECK(taken.rows[2].rowid < taken.rows[0].rowid);
}

TEST_CASE("rowids order recipients by message number, then as they were first named") {
  CHECK(recipient_rowid(1, 0) < recipient_rowid(1, 1));
  CHECK(recipient_rowid(1, kRecipientsPerMessage - 1) < recipient_rowid(2, 0));
  CHECK(recipient_rowid(3, 2) == 3 * kRecipientsPerMessage + 2);
  CHECK_THROWS_AS(recipient_rowid(1, kRecipientsPerMessage), std::length_error);
  // The check the recorder makes at creation: room for the 2^24th, none for one more.
  CHECK_NOTHROW(check_room(kRecipientsPerMessage - 1));
  CHECK_THROWS_AS(check_room(kRecipientsPerMessage), std::length_error);
}

TEST_CASE("an event about a message after its rows were taken stops the run, naming it") {
  // Rows taken twice would collide in the recipient table at the end of a long run; the
  // tally refuses the late event at once instead. Message 2, never taken, is unaffected.
  RecipientTally tally;
  Rows taken;
  Steps log;
  taken.apply(tally, log.created(1, 0, {"u@b.example"}));
  taken.apply(tally, log.created(2, 1, {"v@b.example"}));
  taken.apply(tally, log.delivered(1, "u@b.example", 2));
  taken.take(tally, 1);
  REQUIRE(taken.rows.size() == 1);
  CHECK_THROWS_WITH(taken.apply(tally, log.delivered(1, "u@b.example", 3)),
                    "internal error: an event about message 1 (recipient u@b.example) after "
                    "the message had finished");
  CHECK_NOTHROW(taken.apply(tally, log.delivered(2, "v@b.example", 3)));
}

}  // namespace mailsim::record
