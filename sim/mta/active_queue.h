// The bound on the active queue, as Postfix's qmgr_message_active_limit: at most `limit`
// messages are being delivered at once; a message due beyond it waits (in the incoming or
// deferred queue, where it is) in line until a place frees up. Only the places and the
// line live here; the entries stay in the MTA's queue, and are named here by their
// number in it (QueueEntry::number). Private to the mta layer.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <vector>

#include "mailsim/core/flat_hash.h"

namespace mailsim::mta {

class ActiveQueue {
 public:
  explicit ActiveQueue(std::size_t limit) : limit_(limit) {}

  // True when the message holds a place (it was given one by promote(), or there is room
  // and nobody waits); otherwise it joins the end of the line, once however often it asks.
  bool admit(std::uint64_t entry) {
    if (places_.contains(entry)) return true;
    if (places_.size() < limit_ && line_.empty()) {
      places_.insert(entry);
      return true;
    }
    if (std::find(line_.begin(), line_.end(), entry) == line_.end()) {
      line_.push_back(entry);
    }
    return false;
  }
  // The message leaves its place, or its place in the line.
  void release(std::uint64_t entry) {
    if (places_.erase(entry) == 0) std::erase(line_, entry);
  }
  // Gives the free places to the messages that waited longest; returns them.
  std::vector<std::uint64_t> promote() {
    std::vector<std::uint64_t> out;
    while (places_.size() < limit_ && !line_.empty()) {
      out.push_back(line_.front());
      places_.insert(line_.front());
      line_.pop_front();
    }
    return out;
  }
  std::size_t active() const { return places_.size(); }
  std::size_t waiting() const { return line_.size(); }

 private:
  std::size_t limit_;
  // Only counted, found, added and removed, never walked: a flat set, which allocates
  // nothing per place (a hash node per admission was one of every message's allocations).
  FlatSet<std::uint64_t> places_;
  std::deque<std::uint64_t> line_;
};

}  // namespace mailsim::mta
