// A time limit on the wait a connection is in: start() arms it (replacing any earlier
// limit), cancel() disarms it, and the callback runs only if the latest limit expires.
// Private to realnet; the one place where Asio timers meet the project's Duration.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstdint>
#include <utility>

#include "mailsim/core/time.h"

namespace mailsim::realnet {

class Deadline {
 public:
  explicit Deadline(const boost::asio::any_io_executor& executor) : timer_(executor) {}

  // `on_expiry` must keep alive whatever it touches, this object included.
  template <typename Callback>
  void start(Duration limit, Callback on_expiry) {
    const std::uint64_t generation = ++generation_;
    timer_.expires_after(std::chrono::nanoseconds(limit.ns()));
    timer_.async_wait([this, generation, on_expiry = std::move(on_expiry)](
                          const boost::system::error_code& error) mutable {
      // A cancelled wait never touches `this`: the object may be going away.
      if (error || generation != generation_) return;
      on_expiry();
    });
  }

  void cancel() {
    ++generation_;  // a wait that has already expired but not yet run is now stale
    timer_.cancel();
  }

 private:
  boost::asio::steady_timer timer_;
  std::uint64_t generation_ = 0;
};

}  // namespace mailsim::realnet
