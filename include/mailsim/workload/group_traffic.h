// A run's sender groups at work: each group's arrivals (when each message comes, its sender,
// recipients, size and name) made from the group's own random streams and handed, each at
// its time, to the group's sink on the simulation thread. The arrivals can be made ahead,
// on a thread of their own, so that the simulation thread only takes them over. Which
// thread makes them changes nothing: each group draws from its own streams, in order, one
// arrival after another.
#pragma once

#include <functional>
#include <memory>
#include <span>
#include <vector>

#include "mailsim/core/simulator.h"
#include "mailsim/workload/traffic.h"

namespace mailsim::workload {

// Which thread makes the arrivals.
enum class ArrivalThread {
  kSimulation,  // the simulation thread, each arrival when the one before it comes
  kOwn,         // a thread of their own, a bounded number ahead of each group
};

// What becomes of a group's arrivals. `prepare` turns each (its `at` is its time; `name`
// is "<group>.<n>", n from 1) into a submission: with ArrivalThread::kOwn it runs on that
// thread, ahead of time, so it may only read what stays unchanged during the run. `submit`
// hands the submission over at its time, on the simulation thread.
struct GroupSink {
  std::function<Submission(const ExplicitMessage&, const std::string& name)> prepare;
  std::function<void(Submission&&)> submit;
};

class GroupTraffic {
 public:
  // Chooses a group's sink; called once per group, in order.
  using SinkFor = std::function<GroupSink(const SenderGroup&)>;

  // Makes each group's first arrival, schedules it and, for kOwn, starts the arrivals'
  // thread (or makes them on the simulation thread if no thread can be started). The
  // groups must outlive this object, and this object the simulator's run. If making an
  // arrival throws, the exception comes out where it would on the simulation thread: out
  // of this constructor for a first arrival (with nothing scheduled), else out of the
  // simulator's run at the group's arrival before, after which the group sends no more.
  GroupTraffic(Simulator& sim, std::span<const SenderGroup> groups, StreamKey key,
               Duration clock_offset, const SinkFor& sink_for, ArrivalThread thread);
  ~GroupTraffic();  // stops the arrivals' thread
  GroupTraffic(const GroupTraffic&) = delete;
  GroupTraffic& operator=(const GroupTraffic&) = delete;

 private:
  class Feed;
  class Maker;

  void arrive(Feed& feed);
  void schedule_next(Feed& feed);

  Simulator& sim_;
  std::vector<std::unique_ptr<Feed>> feeds_;
  std::unique_ptr<Maker> maker_;  // kOwn only; destroyed first
};

}  // namespace mailsim::workload
