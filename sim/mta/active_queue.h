// The bound on the active queue, as Postfix's qmgr_message_active_limit: at most `limit`
// messages are being delivered at once; a message due beyond it waits (in the incoming or
// deferred queue, where it is) in line until a place frees up. Only the places and the
// line live here; the entries stay in the MTA's queue. Private to the mta layer.
#pragma once

#include <algorithm>
#include <cstddef>
#include <deque>
#include <string>
#include <unordered_set>
#include <vector>

namespace mailsim::mta {

class ActiveQueue {
 public:
  explicit ActiveQueue(std::size_t limit) : limit_(limit) {}

  // True when the message holds a place (it was given one by promote(), or there is room
  // and nobody waits); otherwise it joins the end of the line, once however often it asks.
  bool admit(const std::string& queue_id) {
    if (places_.contains(queue_id)) return true;
    if (places_.size() < limit_ && line_.empty()) {
      places_.insert(queue_id);
      return true;
    }
    if (std::find(line_.begin(), line_.end(), queue_id) == line_.end()) {
      line_.push_back(queue_id);
    }
    return false;
  }
  // The message leaves its place, or its place in the line.
  void release(const std::string& queue_id) {
    if (places_.erase(queue_id) == 0) std::erase(line_, queue_id);
  }
  // Gives the free places to the messages that waited longest; returns them.
  std::vector<std::string> promote() {
    std::vector<std::string> out;
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
  std::unordered_set<std::string> places_;
  std::deque<std::string> line_;
};

}  // namespace mailsim::mta
