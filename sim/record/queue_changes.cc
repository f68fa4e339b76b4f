#include "record/queue_changes.h"

namespace mailsim::record {
namespace {

QueueSampleRow row(const std::string& node, Time t, const QueueCounts& c) {
  return {node, t.seconds(), static_cast<std::int64_t>(c.incoming),
          static_cast<std::int64_t>(c.active), static_cast<std::int64_t>(c.deferred)};
}

}  // namespace

void QueueChanges::name_nodes(std::vector<std::string> names) {
  nodes_.reserve(names.size());
  for (std::string& name : names) nodes_.push_back({.name = std::move(name)});
}

std::optional<QueueSampleRow> QueueChanges::offer(std::size_t node, Time t, QueueCounts counts) {
  Node& n = nodes_[node];
  if (n.row_at && n.counts == counts) return std::nullopt;
  n.row_at = t;
  n.counts = counts;
  return row(n.name, t, counts);
}

std::vector<QueueSampleRow> QueueChanges::last_samples(Time last) const {
  std::vector<QueueSampleRow> rows;
  for (const Node& n : nodes_) {
    if (n.row_at && *n.row_at != last) rows.push_back(row(n.name, last, n.counts));
  }
  return rows;
}

}  // namespace mailsim::record
