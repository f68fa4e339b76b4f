#include "cli/run_driver.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <memory>
#include <optional>
#include <vector>

namespace mailsim::cli {
namespace {

// Users' messages created and finished (every recipient delivered, bounced or expired), for
// the progress line. Bounces and warnings are the MTAs' own mail and are not counted.
class MessageTally {
 public:
  explicit MessageTally(mta::MailEvents& events) : events_(events) {
    created_id_ = events.message_created.connect([this](const mta::MessageCreated& m) {
      if (m.kind != mta::MessageKind::kUser) return;
      if (open_.size() <= m.msg) open_.resize(m.msg + 1, 0);
      open_[m.msg] = static_cast<std::uint32_t>(m.recipients.size());
      ++created_;
    });
    final_id_ = events.recipient_final.connect([this](const mta::RecipientFinal& r) {
      if (r.msg < open_.size() && open_[r.msg] > 0 && --open_[r.msg] == 0) ++done_;
    });
  }
  ~MessageTally() {
    events_.message_created.disconnect(created_id_);
    events_.recipient_final.disconnect(final_id_);
  }
  MessageTally(const MessageTally&) = delete;
  MessageTally& operator=(const MessageTally&) = delete;

  std::uint64_t created() const { return created_; }
  std::uint64_t done() const { return done_; }

 private:
  mta::MailEvents& events_;
  std::uint64_t created_id_ = 0;
  std::uint64_t final_id_ = 0;
  std::vector<std::uint32_t> open_;  // by message number: recipients not yet final
  std::uint64_t created_ = 0;
  std::uint64_t done_ = 0;
};

// The percentage line on stderr: a step at each whole percent of the run, with the
// messages done, the event rate and the wall-clock time left at the rate so far.
class Progress {
 public:
  Progress(bool shown, Time until, mta::MailEvents& events)
      : shown_(shown), until_(until), started_(std::chrono::steady_clock::now()) {
    if (shown_) tally_.emplace(events);
  }

  // The next time to report at; Time::max() when progress is not shown.
  Time next() const { return shown_ ? at(done_ + 1) : Time::max(); }

  void reached(Time t, const Simulator& sim) {
    if (!shown_ || t < next()) return;
    while (done_ < kSteps && at(done_ + 1) <= t) ++done_;
    const double wall =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
    const double rate = wall > 0 ? static_cast<double>(sim.executed()) / wall : 0;
    const double left = done_ > 0 ? wall * (kSteps - done_) / done_ : 0;
    std::fprintf(stderr,
                 "\rsimulating %3d%%  (simulated %s, %llu/%llu messages done, %llu events, %.3g "
                 "events/s, %.0f s left)  ",
                 done_, format_clock(sim.now()).c_str(),
                 static_cast<unsigned long long>(tally_->done()),
                 static_cast<unsigned long long>(tally_->created()),
                 static_cast<unsigned long long>(sim.executed()), rate, left);
  }

  void end() const {
    if (shown_) std::fprintf(stderr, "\n");
  }

 private:
  static constexpr int kSteps = 100;
  // Step i's time, without overflowing for long runs.
  Time at(int i) const {
    return i >= kSteps ? until_ : Time::zero() + until_.since_start() / kSteps * i;
  }

  bool shown_;
  Time until_;
  std::chrono::steady_clock::time_point started_;
  int done_ = 0;
  std::optional<MessageTally> tally_;
};

// Which MTAs' queues may have changed since the last sample: each MTA sets its own flag,
// so that a sample reads only those queues (most MTAs' stay the same from one sample to
// the next), not a cache line of every MTA.
class QueueWatch {
 public:
  explicit QueueWatch(const scenario::World& world)
      : mtas_(world.mtas()), changed_(std::make_unique<bool[]>(mtas_.size())) {
    for (std::size_t i = 0; i < mtas_.size(); ++i) {
      changed_[i] = true;  // the first sample has them all
      mtas_[i]->flag_queue_changes(&changed_[i]);
    }
  }
  ~QueueWatch() {
    for (const auto& m : mtas_) m->flag_queue_changes(nullptr);
  }
  QueueWatch(const QueueWatch&) = delete;
  QueueWatch& operator=(const QueueWatch&) = delete;

  void sample(Time t, const QueueSampleSink& sink) {
    changed_queues_.clear();
    for (std::size_t i = 0; i < mtas_.size(); ++i) {
      if (!changed_[i]) continue;
      changed_[i] = false;
      changed_queues_.push_back({i, mtas_[i]->queue_counts()});
    }
    sink(t, changed_queues_);
  }

 private:
  const std::vector<std::unique_ptr<mta::Mta>>& mtas_;
  std::unique_ptr<bool[]> changed_;                  // by MTA
  std::vector<record::QueueSample> changed_queues_;  // kept for its storage
};

}  // namespace

std::vector<std::string> sampled_names(const scenario::World& world) {
  std::vector<std::string> names;
  names.reserve(world.mtas().size());
  for (const auto& m : world.mtas()) names.push_back(m->config().name);
  return names;
}

bool drive(scenario::World& world, const DriveOptions& o, const QueueSampleSink& sample,
           const std::function<bool()>& stop) {
  world.start(o.arrivals);
  Simulator& sim = world.simulator();
  Progress progress(o.progress, o.until, world.events());
  QueueWatch queues(world);
  Time t = sim.now();
  Time next_sample = t;
  std::optional<Time> sampled;
  bool stopped = false;
  while (!(stopped = stop())) {
    t = std::min({next_sample, progress.next(), o.until});
    sim.run_until(t);
    if (t == next_sample) {
      queues.sample(t, sample);
      sampled = t;
      next_sample = o.until - t > o.sample_interval ? t + o.sample_interval : o.until;
    }
    progress.reached(t, sim);
    if (t == o.until) break;
  }
  if (sampled != t) queues.sample(t, sample);
  progress.end();
  return !stopped;
}

}  // namespace mailsim::cli
