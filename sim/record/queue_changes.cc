#include "record/queue_changes.h"

namespace mailsim::record {
namespace {

QueueSampleRow row(const std::string& node, Time t, const QueueCounts& c) {
  return {node, t.seconds(), c.incoming, c.active, c.deferred};
}

}  // namespace

QueueChanges::Node& QueueChanges::find_or_add(const std::string& node) {
  std::size_t i = next_;
  if (i >= nodes_.size() || nodes_[i].name != node) {
    const auto [it, added] = index_.try_emplace(node, nodes_.size());
    if (added) nodes_.push_back({.name = node});
    i = it->second;
  }
  next_ = i + 1 == nodes_.size() ? 0 : i + 1;
  return nodes_[i];
}

std::optional<QueueSampleRow> QueueChanges::offer(const std::string& node, Time t,
                                                  QueueCounts counts) {
  Node& n = find_or_add(node);
  const bool changed = !n.sampled || n.counts != counts;
  n.sampled = true;
  n.t = t;
  n.counts = counts;
  n.written = changed;
  if (!changed) return std::nullopt;
  return row(node, t, counts);
}

std::vector<QueueSampleRow> QueueChanges::last_samples() const {
  std::vector<QueueSampleRow> rows;
  for (const Node& n : nodes_) {
    if (!n.written) rows.push_back(row(n.name, n.t, n.counts));
  }
  return rows;
}

}  // namespace mailsim::record
