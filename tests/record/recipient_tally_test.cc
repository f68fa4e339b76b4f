// The recorder's recipient tally holds only the messages in flight: a finished message's
// rows are taken at once, with rowids that keep the recipient table in message number
// order whenever they are written. Driven by hand with the events the models emit.
#include "record/recipient_tally.h"

#include <deque>
#include <string>
#include <vector>

#include "support/catch.h"

namespace mailsim::record {
namespace {

Time at_seconds(double s) {
  return Time::zero() + Duration::nanoseconds(static_cast<std::int64_t>(s * 1e9));
}

mta::MessageCreated created(mta::MessageNumber msg, double at,
                            std::vector<std::string> recipients) {
  return {.msg = msg, .recipients = std::move(recipients), .at = at_seconds(at)};
}

mta::RecipientFinal delivered(mta::MessageNumber msg, const std::string& rcpt, double at) {
  return {.msg = msg,
          .rcpt = rcpt,
          .status = mta::FinalStatus::kDelivered,
          .node = "b",
          .at = at_seconds(at),
          .code = 250,
          .reply = "2.0.0 delivered to mailbox"};
}

mta::AttemptFinished attempt(mta::MessageNumber msg, const std::string& rcpt, int code,
                             const std::string& enhanced, const std::string& text) {
  return {
      .msg = msg,
      .recipients = {
          {rcpt, code < 400 ? mta::RecipientOutcome::kAccepted : mta::RecipientOutcome::kDeferred,
           code, enhanced, text}}};
}

// The rows of the messages taken, which they view.
struct Rows {
  std::deque<TalliedMessage> messages;
  std::vector<RecipientRow> rows;
  void operator()(TalliedMessage&& m) {
    const TalliedMessage& kept = messages.emplace_back(std::move(m));
    for (std::size_t i = 0; i < kept.recipients.size(); ++i) rows.push_back(recipient_row(kept, i));
  }
  void take(RecipientTally& tally, mta::MessageNumber msg) {
    std::vector<TalliedMessage> taken;
    tally.take_message(msg, taken);
    for (TalliedMessage& m : taken) (*this)(std::move(m));
  }
};

}  // namespace

TEST_CASE("after each of many sequential messages finishes, the tally holds none") {
  // 1000 messages, message k created at 60(k-1) s to u@b.example, relayed once and
  // delivered 2 s later, finished then: the tally holds 1 message while it is in flight
  // and 0 after it, and hands over exactly its one row.
  RecipientTally tally;
  Rows taken;
  for (mta::MessageNumber k = 1; k <= 1000; ++k) {
    const double t = 60.0 * static_cast<double>(k - 1);
    tally.on_created(created(k, t, {"u@b.example"}));
    tally.on_attempt(attempt(k, "u@b.example", 250, "2.0.0", "Ok: queued as X"));
    tally.on_final(delivered(k, "u@b.example", t + 2));
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
  tally.on_created(created(1, 0, {"u@b.example", "v@c.example"}));
  tally.on_created(created(2, 10, {"w@b.example"}));
  tally.on_attempt(attempt(1, "u@b.example", 250, "2.1.5", "Ok"));
  tally.on_attempt(
      attempt(1, "v@c.example", 451, "4.4.1", "connect to mx.c.example:25: timed out"));
  tally.on_final(delivered(1, "u@b.example", 3));
  tally.on_final(delivered(2, "w@b.example", 12.5));
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
}

TEST_CASE("an event about a message after its rows were taken stops the run, naming it") {
  // Rows taken twice would collide in the recipient table at the end of a long run; the
  // tally refuses the late event at once instead. Message 2, never taken, is unaffected.
  RecipientTally tally;
  Rows taken;
  tally.on_created(created(1, 0, {"u@b.example"}));
  tally.on_created(created(2, 1, {"v@b.example"}));
  tally.on_final(delivered(1, "u@b.example", 2));
  taken.take(tally, 1);
  REQUIRE(taken.rows.size() == 1);
  CHECK_THROWS_WITH(tally.on_final(delivered(1, "u@b.example", 3)),
                    "internal error: an event about message 1 (recipient u@b.example) after "
                    "the message had finished");
  CHECK_NOTHROW(tally.on_final(delivered(2, "v@b.example", 3)));
}

}  // namespace mailsim::record
