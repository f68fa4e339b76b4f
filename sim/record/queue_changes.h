// Turns the periodic samples of the MTAs' queues into queue_sample rows that say when a
// queue's length changed: a node's first sample, each later sample whose counts differ
// from that node's previous one, and its last sample (the end of the run) even when
// unchanged. A node's rows thus describe a step function over the whole run: the counts
// of a row hold from its t_s until the next row's. The sampler offers every node at the
// first sample and then only those whose counts may have changed since the previous
// sample: a node not offered at a sample kept its counts. Simulation thread only.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "mailsim/core/time.h"
#include "mailsim/mta/mta.h"  // QueueCounts
#include "record/rows.h"

namespace mailsim::record {

using mta::QueueCounts;

class QueueChanges {
 public:
  // Node i of the samples is names[i]. REQUIRES: before the first sample.
  void name_nodes(std::vector<std::string> names);
  // The row to write for node `node`'s counts at the sample at `t`, or nothing when they
  // are those of its previous row. A node's samples come in time order.
  std::optional<QueueSampleRow> offer(std::size_t node, Time t, QueueCounts counts);
  // The rows at `last`, the time of the last sample, of the nodes whose last row is
  // earlier (their queues did not change since), in node order.
  std::vector<QueueSampleRow> last_samples(Time last) const;

 private:
  struct Node {
    std::string name;
    std::optional<Time> row_at;  // its last row's time: none before its first sample
    QueueCounts counts{};        // its last row's
  };

  std::vector<Node> nodes_;
};

}  // namespace mailsim::record
