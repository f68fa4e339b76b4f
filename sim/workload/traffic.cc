#include "mailsim/workload/traffic.h"

#include <algorithm>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "mailsim/core/flat_hash.h"

namespace mailsim::workload {

namespace {

// Size draws are cut here (the loader refuses larger fixed sizes).
constexpr std::int64_t kMaxMessageSize = std::int64_t{1} << 30;
// And recipient counts here (a lognormal's tail could ask for billions).
constexpr std::int64_t kMaxRecipients = 100'000;

// One sender group's state while it runs: its streams and how many it has sent. Each
// arrival's event owns it through a shared_ptr and hands it on to the next.
class GroupSource : public std::enable_shared_from_this<GroupSource> {
 public:
  GroupSource(Simulator& sim, const SenderGroup& g, StreamKey key, Duration clock_offset,
              SubmitGenerated submit)
      : sim_(sim),
        group_(g),
        arrivals_(g.rate_per_second, g.profile, clock_offset),
        arrival_rng_(key.seed, key.run, "traffic:" + g.name + ":arrivals"),
        content_rng_(key.seed, key.run, "traffic:" + g.name + ":content"),
        submit_(std::move(submit)),
        name_(g.name + ".") {
    message_.origin = g.origin;
    message_.client = g.client;
    message_.subject = g.subject.empty() ? g.name : g.subject;
    if (g.recipients.zipf_exponent) {
      zipf_.emplace(g.recipients.population.size(), *g.recipients.zipf_exponent);
    }
  }

  void schedule_after(Time t) {
    const Time next = arrivals_.next(t, arrival_rng_);
    if (next == Time::max() || (group_.end && next >= *group_.end)) return;
    sim_.schedule_at(next, [self = shared_from_this()] { self->arrive(); });
  }

 private:
  // The message is built in `message_`, whose strings keep their capacity from one
  // arrival to the next; only what differs per message is written.
  void arrive() {
    message_.at = sim_.now();
    group_.senders.spell(content_rng_.uniform_int(group_.senders.size()), message_.sender);
    pick_recipients(std::min(group_.per_message.draw_count(content_rng_), kMaxRecipients));
    message_.size_bytes = std::min(group_.size.draw_count(content_rng_), kMaxMessageSize);
    name_.resize(group_.name.size() + 1);  // "<group>."
    name_ += std::to_string(++sent_);
    submit_(message_, name_);
    schedule_after(sim_.now());
  }

  std::uint64_t pick_index() {
    const AddressSet& p = group_.recipients.population;
    return zipf_ ? (*zipf_)(content_rng_)-1 : content_rng_.uniform_int(p.size());
  }

  // `wanted` distinct recipients (or the whole population, if smaller) into
  // message_.recipients; repeated draws are drawn again, giving up after 4 * wanted + 16
  // draws.
  void pick_recipients(std::int64_t wanted) {
    const AddressSet& p = group_.recipients.population;
    const auto target = static_cast<std::size_t>(
        std::min<std::uint64_t>(static_cast<std::uint64_t>(wanted), p.size()));
    std::vector<std::string>& out = message_.recipients;
    out.resize(target);
    if (target == 1) return p.spell(pick_index(), out[0]);
    FlatSet<std::uint64_t> chosen;  // one allocation, not one per recipient
    chosen.reserve(target);
    std::size_t n = 0;
    for (std::size_t draws = 0; n < target && draws < 4 * target + 16; ++draws) {
      const std::uint64_t i = pick_index();
      if (chosen.insert(i).second) p.spell(i, out[n++]);
    }
    out.resize(n);
  }

  Simulator& sim_;
  const SenderGroup& group_;
  Arrivals arrivals_;
  RandomStream arrival_rng_;
  RandomStream content_rng_;
  std::optional<ZipfDistribution> zipf_;
  SubmitGenerated submit_;
  std::uint64_t sent_ = 0;
  ExplicitMessage message_;  // the arrival being made (origin, client, subject fixed)
  std::string name_;         // its name, "<group>.<sent_>"
};

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

void schedule_group(Simulator& sim, const SenderGroup& group, StreamKey key, Duration clock_offset,
                    SubmitGenerated submit) {
  auto source = std::make_shared<GroupSource>(sim, group, key, clock_offset, std::move(submit));
  // The first arrival after start (memorylessness: as if the process ran since before).
  source->schedule_after(std::max(group.start, sim.now()));
}

void schedule_burst(Simulator& sim, const Burst& burst, StreamKey key, SubmitGenerated submit) {
  std::make_shared<BurstSource>(sim, burst, key, std::move(submit))->schedule_next();
}

}  // namespace mailsim::workload
