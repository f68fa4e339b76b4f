// A small signal/observer: models emit, observers (the recorder, tests) subscribe.
// Observers run synchronously, in subscription order, on the emitting thread, and must
// not connect or disconnect observers of the same signal while it is emitting. A signal
// with no observers costs one branch to emit.
#pragma once

#include <cstdint>
#include <functional>
#include <utility>
#include <vector>

namespace mailsim {

template <class... Args>
class Signal {
 public:
  // Observers see the emitted values by reference: a std::function<void(Args...)> would
  // copy each event (an attempt with its transcript) once per observer.
  using Observer = std::function<void(const Args&...)>;

  // Returns an id for disconnect().
  std::uint64_t connect(Observer observer) {
    observers_.emplace_back(++last_id_, std::move(observer));
    return last_id_;
  }
  void disconnect(std::uint64_t id) {
    std::erase_if(observers_, [id](const auto& o) { return o.first == id; });
  }
  bool empty() const { return observers_.empty(); }

  void operator()(const Args&... args) const {
    for (const auto& o : observers_) o.second(args...);
  }

 private:
  std::vector<std::pair<std::uint64_t, Observer>> observers_;
  std::uint64_t last_id_ = 0;
};

}  // namespace mailsim
