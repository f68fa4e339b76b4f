// Turns the periodic samples of every MTA's queue into queue_sample rows that say when a
// queue's length changed: a node's first sample, each later sample whose counts differ
// from that node's previous one, and its last sample (the end of the run) even when
// unchanged. A node's rows thus describe a step function over the whole run: the counts
// of a row hold from its t_s until the next row's. Simulation thread only.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "mailsim/core/time.h"
#include "record/rows.h"

namespace mailsim::record {

struct QueueCounts {
  std::int64_t incoming = 0;
  std::int64_t active = 0;
  std::int64_t deferred = 0;
  friend bool operator==(const QueueCounts&, const QueueCounts&) = default;
};

class QueueChanges {
 public:
  // The row to write for this sample, or nothing when the node's counts are those of its
  // previous sample. Samples of one node come in time order.
  std::optional<QueueSampleRow> offer(const std::string& node, Time t, QueueCounts counts);
  // Each node's last sample, where it was left out as unchanged, in the order the nodes
  // were first sampled.
  std::vector<QueueSampleRow> last_samples() const;

 private:
  struct Node {
    std::string name;
    bool sampled = false;  // t and counts hold its last sample
    Time t{};
    QueueCounts counts{};
    bool written = false;  // the last sample is a row already
  };
  Node& find_or_add(const std::string& node);

  std::vector<Node> nodes_;
  std::unordered_map<std::string, std::size_t> index_;
  // The sampler visits the MTAs in the same order every time: the node after the last one
  // offered is tried before the hash map.
  std::size_t next_ = 0;
};

}  // namespace mailsim::record
