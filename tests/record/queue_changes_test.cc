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

QueueChanges named(std::vector<std::string> names) {
  QueueChanges changes;
  changes.name_nodes(std::move(names));
  return changes;
}

TEST_CASE("a node's first sample is a row, even when its queues are empty") {
  QueueChanges changes = named({"a", "b"});
  CHECK(text(changes.offer(0, at_seconds(0), {0, 0, 0})) == "a@0:0/0/0");
  CHECK(text(changes.offer(1, at_seconds(0), {1, 0, 2})) == "b@0:1/0/2");
}

TEST_CASE("a sample with the node's previous counts is no row; a change is, back again too") {
  QueueChanges changes = named({"a"});
  changes.offer(0, at_seconds(0), {0, 0, 0});
  CHECK(text(changes.offer(0, at_seconds(60), {0, 0, 0})) == "-");
  CHECK(text(changes.offer(0, at_seconds(120), {0, 1, 0})) == "a@120:0/1/0");
  CHECK(text(changes.offer(0, at_seconds(180), {0, 1, 0})) == "-");
  CHECK(text(changes.offer(0, at_seconds(240), {0, 0, 1})) == "a@240:0/0/1");
  CHECK(text(changes.offer(0, at_seconds(300), {0, 0, 0})) == "a@300:0/0/0");
}

TEST_CASE("the last sample is a row for each node without one at its time") {
  QueueChanges changes = named({"a", "b", "c"});
  for (std::size_t n = 0; n < 3; ++n) changes.offer(n, at_seconds(0), {0, 0, 0});
  changes.offer(0, at_seconds(60), {0, 0, 0});  // unchanged: no row
  changes.offer(1, at_seconds(60), {1, 0, 0});  // changed: a row already
  // c is not offered at 60 s: its queue did not change.
  CHECK(texts(changes.last_samples(at_seconds(60))) ==
        std::vector<std::string>{"a@60:0/0/0", "c@60:0/0/0"});
}

TEST_CASE("offering only the changed nodes gives the rows of offering every node") {
  // Three nodes over twelve samples, each sample changing some of them. c is offered at
  // every sample, as a queue that changed and changed back since the previous one is.
  const std::vector<std::string> names{"a", "b", "c"};
  auto counts = [](std::size_t node, int sample) -> QueueCounts {
    const auto step = static_cast<std::size_t>(sample * (static_cast<int>(node) + 2)) / 5;
    return {step % 3, node == 1 ? 0 : step % 2, 0};
  };
  QueueChanges every = named(names), changed = named(names);
  std::vector<std::string> every_rows, changed_rows;
  for (int sample = 0; sample < 12; ++sample) {
    const Time t = at_seconds(60 * sample);
    for (std::size_t n = 0; n < names.size(); ++n) {
      every_rows.push_back(text(every.offer(n, t, counts(n, sample))));
      if (sample == 0 || !(counts(n, sample) == counts(n, sample - 1)) || n == 2) {
        changed_rows.push_back(text(changed.offer(n, t, counts(n, sample))));
      }
    }
    std::erase(every_rows, "-");
    std::erase(changed_rows, "-");
  }
  const Time last = at_seconds(60 * 11);
  CHECK(changed_rows == every_rows);
  CHECK(texts(changed.last_samples(last)) == texts(every.last_samples(last)));
  CHECK(every_rows.size() > 3);  // not only the first samples
}

}  // namespace
}  // namespace mailsim::record
