#include "mailsim/workload/group_traffic.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <optional>
#include <string>
#include <system_error>
#include <thread>
#include <utility>
#include <vector>

#include "mailsim/core/flat_hash.h"

namespace mailsim::workload {

namespace {

// Recipient counts are cut here (a lognormal's tail could ask for billions).
constexpr std::int64_t kMaxRecipients = 100'000;

// How far ahead each group is made: its share of kAheadInAll by its rate, but at least
// kMinAhead and at most kMaxAhead (on isp-scale, 3 groups of 1,024 and 997 of 16: 19,024
// arrivals, about 20 MB prepared). The simulation thread wakes the arrivals' thread every
// kWakeEvery arrivals it takes; a group runs dry (and the simulation thread waits) only if
// it has more arrivals than its bound before the arrivals' thread comes round, which can take
// milliseconds when that thread shares a CPU with the recorder's writer. On isp-scale,
// bounds of 1,024 in all, 4 to 256 a group (4,378 held) and a wake every 256 arrivals had
// the simulation thread wait about 400 times, half a second in all; these, once.
constexpr double kAheadInAll = 8192;
constexpr std::size_t kMinAhead = 16;
constexpr std::size_t kMaxAhead = 1024;
constexpr unsigned kWakeEvery = 1024;
// A group is made at most this many arrivals at a time, so that a pass over all groups
// comes back soon to one running low.
constexpr std::size_t kMakeAtOnce = 64;

// One made arrival.
struct Made {
  Time at;
  Submission submission;
};

}  // namespace

// One group's arrivals, made in order from its streams into a ring and taken from it in
// order. One thread makes them, "the maker" below (the simulation thread while setting up
// and when inline, else the arrivals' thread), and only the simulation thread takes them,
// "the taker": a single-producer, single-consumer ring, whose counters never wrap.
class GroupTraffic::Feed {
 public:
  Feed(const SenderGroup& g, StreamKey key, Duration clock_offset, Time from, std::size_t capacity,
       GroupSink sink)
      : group_(g),
        arrivals_(g.rate_per_second, g.profile, clock_offset),
        arrival_rng_(key.seed, key.run, "traffic:" + g.name + ":arrivals"),
        content_rng_(key.seed, key.run, "traffic:" + g.name + ":content"),
        last_(from),
        slots_(capacity),
        sink_(std::move(sink)) {
    if (g.recipients.zipf_exponent) {
      zipf_.emplace(g.recipients.population.size(), *g.recipients.zipf_exponent);
    }
    message_.origin = g.origin;
    message_.client = g.client;
    message_.subject = g.subject.empty() ? g.name : g.subject;
  }

  // The maker's side: makes arrivals into free slots, at most `limit`; returns how many.
  // An exception in making one ends the group; the taker rethrows it after the last made.
  std::size_t fill(std::size_t limit) {
    if (finished_.load(std::memory_order_relaxed)) return 0;  // only the maker writes it
    const std::uint64_t taken = taken_.load(std::memory_order_acquire);
    std::size_t n = 0;
    for (; n < limit && made_count_ - taken < slots_.size(); ++n) {
      bool made = false;
      try {
        made = make(slots_[made_count_ % slots_.size()]);
      } catch (...) {
        failure_ = std::current_exception();  // published by finished_
      }
      if (!made) {
        finished_.store(true, std::memory_order_release);
        break;
      }
      made_.store(++made_count_, std::memory_order_release);
    }
    return n;
  }

  // The taker's side.
  bool has_next() const { return made_.load(std::memory_order_acquire) != taken_count_; }
  bool finished() const { return finished_.load(std::memory_order_acquire); }
  // REQUIRES: finished(). Rethrows what stopped the making, if anything did.
  void throw_if_failed() const {
    if (failure_) std::rethrow_exception(failure_);
  }
  Time next_at() const { return next().at; }  // REQUIRES: has_next(), as below
  // Hands the next arrival over and frees its slot.
  void submit_next() {
    sink_.submit(std::move(next().submission));
    taken_.store(++taken_count_, std::memory_order_release);
  }

 private:
  Made& next() { return slots_[taken_count_ % slots_.size()]; }
  const Made& next() const { return slots_[taken_count_ % slots_.size()]; }

  // Makes the next arrival into `m`; false if the group sends no more. The message is
  // drawn into `message_`, whose strings keep their capacity from one arrival to the next.
  bool make(Made& m) {
    const Time at = arrivals_.next(last_, arrival_rng_);
    if (at == Time::max() || (group_.end && at >= *group_.end)) return false;
    last_ = at;
    message_.at = at;
    group_.senders.spell(content_rng_.uniform_int(group_.senders.size()), message_.sender);
    pick_recipients(std::min(group_.per_message.draw_count(content_rng_), kMaxRecipients),
                    message_.recipients);
    message_.size_bytes = std::min(group_.size.draw_count(content_rng_), kMaxMessageSize);
    name_.assign(group_.name).append(1, '.').append(std::to_string(++sent_));
    m.at = at;
    m.submission = sink_.prepare(message_, name_);
    return true;
  }

  std::uint64_t pick_index() {
    const AddressSet& p = group_.recipients.population;
    return zipf_ ? (*zipf_)(content_rng_)-1 : content_rng_.uniform_int(p.size());
  }

  // `wanted` distinct recipients (or the whole population, if smaller) into `out`;
  // repeated draws are drawn again, giving up after 4 * wanted + 16 draws.
  void pick_recipients(std::int64_t wanted, std::vector<std::string>& out) {
    const AddressSet& p = group_.recipients.population;
    const auto target = static_cast<std::size_t>(
        std::min<std::uint64_t>(static_cast<std::uint64_t>(wanted), p.size()));
    out.resize(target);
    if (target == 1) return p.spell(pick_index(), out[0]);
    chosen_.clear();
    chosen_.reserve(target);
    std::size_t n = 0;
    for (std::size_t draws = 0; n < target && draws < 4 * target + 16; ++draws) {
      const std::uint64_t i = pick_index();
      if (chosen_.insert(i).second) p.spell(i, out[n++]);
    }
    out.resize(n);
  }

  // Making: the maker's alone.
  const SenderGroup& group_;
  Arrivals arrivals_;
  RandomStream arrival_rng_;
  RandomStream content_rng_;
  std::optional<ZipfDistribution> zipf_;
  Time last_;  // the last arrival made, or when the group starts
  std::uint64_t sent_ = 0;
  std::uint64_t made_count_ = 0;
  ExplicitMessage message_;        // the arrival being made (origin, client, subject fixed)
  std::string name_;               // and its name
  FlatSet<std::uint64_t> chosen_;  // its recipients so far, by index

  // Read by both, written by neither after construction: on cache lines of their own.
  alignas(64) std::vector<Made> slots_;
  GroupSink sink_;
  // Written by the maker.
  alignas(64) std::atomic<std::uint64_t> made_{0};
  std::atomic<bool> finished_{false};  // no arrivals after the made ones
  std::exception_ptr failure_;         // why, if making one threw
  // Written by the taker.
  alignas(64) std::atomic<std::uint64_t> taken_{0};
  std::uint64_t taken_count_ = 0;  // its own copy
};

// The arrivals' thread: passes over all groups, topping each up, and sleeps when none has
// room, until the simulation thread wakes it (every kWakeEvery arrivals taken, or when it
// waits for a group). Whether to sleep, and whom to wake, is decided under one mutex.
class GroupTraffic::Maker {
 public:
  explicit Maker(std::span<const std::unique_ptr<Feed>> feeds)
      : feeds_(feeds), thread_([this] { run(); }) {}

  ~Maker() {
    {
      const std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    wake_maker_.notify_one();
    thread_.join();
  }

  // After each arrival taken.
  void taken() {
    if (++taken_ % kWakeEvery != 0) return;
    const std::lock_guard lock(mutex_);
    wanted_ = true;
    wake_maker_.notify_one();
  }

  // Until `feed` has an arrival or is finished.
  void await(Feed& feed) {
    std::unique_lock lock(mutex_);
    awaited_ = &feed;
    wanted_ = true;
    wake_maker_.notify_one();
    wake_taker_.wait(lock, [&] { return feed.has_next() || feed.finished(); });
    awaited_ = nullptr;
  }

 private:
  void run() {
    Feed* first = nullptr;  // the group the taker waits for, if any: made first
    for (;;) {
      std::size_t made = first != nullptr ? first->fill(kMakeAtOnce) : 0;
      for (const auto& feed : feeds_) made += feed->fill(kMakeAtOnce);
      std::unique_lock lock(mutex_);
      // The pass's arrivals were published before this lock: a taker waiting now sees them
      // when it wakes, and one that comes to wait later sees them before it would sleep.
      if (awaited_ != nullptr) wake_taker_.notify_one();
      if (made == 0) wake_maker_.wait(lock, [this] { return stopping_ || wanted_; });
      if (stopping_) return;
      wanted_ = false;
      first = awaited_;
    }
  }

  std::span<const std::unique_ptr<Feed>> feeds_;
  std::mutex mutex_;  // guards what follows, up to taken_
  std::condition_variable wake_maker_;
  std::condition_variable wake_taker_;
  bool wanted_ = false;  // the taker asks for a pass
  bool stopping_ = false;
  Feed* awaited_ = nullptr;  // the group the taker waits for
  unsigned taken_ = 0;       // the taker's count, its own
  std::thread thread_;       // last: starts when the rest is ready
};

GroupTraffic::GroupTraffic(Simulator& sim, std::span<const SenderGroup> groups, StreamKey key,
                           Duration clock_offset, const SinkFor& sink_for, ArrivalThread thread)
    : sim_(sim) {
  double total_rate = 0;
  for (const SenderGroup& g : groups) total_rate += g.rate_per_second;
  feeds_.reserve(groups.size());
  for (const SenderGroup& g : groups) {
    std::size_t capacity = 1;
    if (thread == ArrivalThread::kOwn && total_rate > 0) {
      const double share = std::ceil(kAheadInAll * g.rate_per_second / total_rate);
      capacity = std::clamp(static_cast<std::size_t>(share), kMinAhead, kMaxAhead);
    }
    // The first arrival after start (memorylessness: as if the process ran since before).
    feeds_.push_back(std::make_unique<Feed>(g, key, clock_offset, std::max(g.start, sim.now()),
                                            capacity, sink_for(g)));
  }
  // Every group's first arrival is made before any is scheduled, so that an error in one
  // leaves no event behind that refers to this object.
  for (const auto& feed : feeds_) {
    if (feed->fill(1) == 0) feed->throw_if_failed();
  }
  for (const auto& feed : feeds_) schedule_next(*feed);
  if (thread == ArrivalThread::kOwn && !feeds_.empty()) {
    try {
      maker_ = std::make_unique<Maker>(feeds_);
    } catch (const std::system_error&) {
      // No thread to be had: the simulation thread makes the arrivals, as when inline.
    }
  }
}

GroupTraffic::~GroupTraffic() = default;

void GroupTraffic::arrive(Feed& feed) {
  feed.submit_next();
  if (maker_) maker_->taken();
  schedule_next(feed);
}

void GroupTraffic::schedule_next(Feed& feed) {
  if (!maker_) {
    feed.fill(1);  // inline, or setting up before the arrivals' thread starts
  } else if (!feed.has_next() && !feed.finished()) {
    maker_->await(feed);
  }
  if (!feed.has_next()) return feed.throw_if_failed();  // else the group sends no more
  sim_.schedule_at(feed.next_at(), [this, &feed] { arrive(feed); });
}

}  // namespace mailsim::workload
