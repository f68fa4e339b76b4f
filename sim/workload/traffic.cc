#include "mailsim/workload/traffic.h"

#include <algorithm>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "mailsim/workload/workload.h"

namespace mailsim::workload {

namespace {

class BurstSource : public std::enable_shared_from_this<BurstSource> {
 public:
  BurstSource(Simulator& sim, const Burst& b, StreamKey key, SubmitGenerated submit)
      : sim_(sim),
        burst_(b),
        rng_(key.seed, key.run, "burst:" + b.name),
        submit_(std::move(submit)) {}

  void schedule_next() {
    if (next_ >= burst_.count) return;
    sim_.schedule_at(std::max(burst_.at, sim_.now()),
                     [self = shared_from_this()] { self->send(); });
  }

 private:
  void send() {
    ExplicitMessage m;
    m.at = sim_.now();
    m.origin = burst_.origin;
    m.client = burst_.client;
    m.sender = burst_.sender;
    const std::uint64_t end = std::min(burst_.count, next_ + burst_.per_message);
    for (; next_ < end; ++next_) m.recipients.push_back(burst_.recipients.at(next_));
    m.size_bytes = std::min(burst_.size.draw_count(rng_), kMaxMessageSize);
    m.subject = burst_.subject.empty() ? burst_.name : burst_.subject;
    submit_(m, burst_.name + "." + std::to_string(++sent_));
    schedule_next();
  }

  Simulator& sim_;
  const Burst& burst_;
  RandomStream rng_;
  SubmitGenerated submit_;
  std::uint64_t next_ = 0;
  std::uint64_t sent_ = 0;
};

}  // namespace

void schedule_burst(Simulator& sim, const Burst& burst, StreamKey key, SubmitGenerated submit) {
  std::make_shared<BurstSource>(sim, burst, key, std::move(submit))->schedule_next();
}

}  // namespace mailsim::workload
