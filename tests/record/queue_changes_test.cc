#include "record/queue_changes.h"

#include <optional>
#include <string>
#include <vector>

#include "support/catch.h"

namespace mailsim::record {
namespace {

Time at_seconds(std::int64_t s) { return Time::zero() + Duration::seconds(s); }

// "node@t:incoming/active/deferred" of a row, or "-" for none.
std::string text(const std::optional<QueueSampleRow>& row) {
  if (!row) return "-";
  return row->node + "@" + std::to_string(static_cast<std::int64_t>(row->t_s)) + ":" +
         std::to_string(row->incoming) + "/" + std::to_string(row->active) + "/" +
         std::to_string(row->deferred);
}

std::vector<std::string> texts(const std::vector<QueueSampleRow>& rows) {
  std::vector<std::string> out;
  for (const QueueSampleRow& r : rows) out.push_back(text(r));
  return out;
}

TEST_CASE("a node's first sample is a row, even when its queues are empty") {
  QueueChanges changes;
  CHECK(text(changes.offer("a", at_seconds(0), {0, 0, 0})) == "a@0:0/0/0");
  CHECK(text(changes.offer("b", at_seconds(0), {1, 0, 2})) == "b@0:1/0/2");
}

TEST_CASE("a sample with the node's previous counts is no row; a change is, back again too") {
  QueueChanges changes;
  changes.offer("a", at_seconds(0), {0, 0, 0});
  CHECK(text(changes.offer("a", at_seconds(60), {0, 0, 0})) == "-");
  CHECK(text(changes.offer("a", at_seconds(120), {0, 1, 0})) == "a@120:0/1/0");
  CHECK(text(changes.offer("a", at_seconds(180), {0, 1, 0})) == "-");
  CHECK(text(changes.offer("a", at_seconds(240), {0, 0, 1})) == "a@240:0/0/1");
  CHECK(text(changes.offer("a", at_seconds(300), {0, 0, 0})) == "a@300:0/0/0");
}

TEST_CASE("each node's last sample is kept for the end unless it is a row already") {
  QueueChanges changes;
  changes.offer("a", at_seconds(0), {0, 0, 0});
  changes.offer("b", at_seconds(0), {0, 0, 0});
  changes.offer("c", at_seconds(0), {0, 0, 0});
  changes.offer("a", at_seconds(60), {0, 0, 0});  // unchanged: its last, left out
  changes.offer("b", at_seconds(60), {1, 0, 0});  // changed: a row already
  // c's last sample is its first, a row already.
  CHECK(texts(changes.last_samples()) == std::vector<std::string>{"a@60:0/0/0"});
}

TEST_CASE("nodes are told apart when the sampler changes its order or skips one") {
  QueueChanges changes;
  for (const char* n : {"a", "b", "c"}) changes.offer(n, at_seconds(0), {0, 0, 0});
  CHECK(text(changes.offer("c", at_seconds(60), {0, 0, 0})) == "-");
  CHECK(text(changes.offer("a", at_seconds(60), {0, 0, 1})) == "a@60:0/0/1");
  CHECK(text(changes.offer("a", at_seconds(120), {0, 0, 1})) == "-");
  CHECK(text(changes.offer("b", at_seconds(120), {0, 0, 0})) == "-");
  CHECK(text(changes.offer("d", at_seconds(120), {0, 0, 0})) == "d@120:0/0/0");
  CHECK(texts(changes.last_samples()) ==
        std::vector<std::string>{"a@120:0/0/1", "b@120:0/0/0", "c@60:0/0/0"});
}

}  // namespace
}  // namespace mailsim::record
