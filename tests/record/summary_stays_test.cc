// Each node's hop stays in the summary (NodeSummary::messages and mean_time_s): a stay at a
// node ends when the message next arrives from that node or is delivered there, whichever
// comes first, not before the stay began; a stay with no such end counts among the
// node's messages but not in its mean.
#include "mailsim/record/recorder.h"
#include "mailsim/record/summary.h"
#include "sample_run.h"
#include "support/catch.h"

namespace mailsim::record {
namespace {

using test::at_seconds;

// Hops and deliveries of three messages at nodes a, b and c (no attempts: the stays are
// read from the hop and delivery rows only):
//   1: queued at a at 0; at b from a at 10; back at a from b at 20 (a loop); at b from a
//      at 50; delivered at b at 70.
//   2: queued at a at 100; still there when the run ends.
//   3: queued at c at 5; still there when the run ends.
void record_stays(const std::string& path) {
  Recorder recorder(path, {"stays", "", 1, "0.1.0"}, RecordLevel::kAttempts, Existing::kRefuse,
                    Summarise::kAsWritten);
  recorder.add_node("a", "host");
  recorder.add_node("b", "host");
  recorder.add_node("c", "host");
  mta::MailEvents events;
  recorder.subscribe(events);
  const auto created = [&](mta::MessageNumber msg, const char* node, double at) {
    events.message_created({msg, "", "s@a", {"r@b"}, 100, node, at_seconds(at)});
    events.message_queued({msg, node, "Q", "", at_seconds(at)});
  };
  const auto hop = [&](mta::MessageNumber msg, const char* to, const char* from, double at) {
    events.message_queued({msg, to, "Q", from, at_seconds(at)});
  };
  created(1, "a", 0);
  hop(1, "b", "a", 10);
  hop(1, "a", "b", 20);
  hop(1, "b", "a", 50);
  events.recipient_final(
      {1, "r@b", mta::FinalStatus::kDelivered, "b", at_seconds(70), 250, "2.0.0 ok", ""});
  created(2, "a", 100);
  created(3, "c", 5);
  recorder.finish(at_seconds(3600));
  test::check_live_summary(recorder, path);
}

TEST_CASE("a stay ends at the message's next arrival from the node or its delivery there") {
  test::TempDb db;
  record_stays(db.path());
  const Summary s = read_summary(db.path());
  REQUIRE(s.nodes.size() == 3);
  const NodeSummary& a = s.nodes[0];
  const NodeSummary& b = s.nodes[1];
  const NodeSummary& c = s.nodes[2];
  // a: message 1 from 0 until b received it at 10 (its later arrival at b at 50 is not the
  // first), and from 20 until b received it at 50 (the arrival at 10 came before this
  // stay); message 2 never left. 3 stays, 2 ended: (10 + 30) / 2.
  CHECK(a.messages == 3);
  REQUIRE(a.mean_time_s);
  CHECK(*a.mean_time_s == 20.0);
  // b: message 1 from 10 until a received it back at 20 (before its delivery at b at 70),
  // and from 50 until its delivery at 70 (a's arrival at 20 came before). (10 + 20) / 2.
  CHECK(b.messages == 2);
  REQUIRE(b.mean_time_s);
  CHECK(*b.mean_time_s == 15.0);
  // c: message 3's one stay never ended: a message, no mean.
  CHECK(c.messages == 1);
  CHECK(!c.mean_time_s);
}

TEST_CASE("the summary's stays are the hop_delay view's") {
  test::TempDb db;
  record_stays(db.path());
  const Summary s = read_summary(db.path());
  for (const NodeSummary& n : s.nodes) {
    CAPTURE(n.name);
    const std::string of_node = " FROM hop_delay WHERE node = '" + n.name + "'";
    CHECK(test::query_int(db.path(), "SELECT count(*)" + of_node) == n.messages);
    if (n.mean_time_s) {
      CHECK(test::query_double(db.path(), "SELECT avg(delay_s)" + of_node) == *n.mean_time_s);
    }
  }
}

}  // namespace
}  // namespace mailsim::record
