// The run loop of `mailsim run`: starts a world and advances its simulator to the end in
// steps. At each step it may sample every MTA's queue, show progress, and ask whether to
// stop. On the simulation thread (the sender groups' arrivals may be made on a thread of
// their own: DriveOptions::arrivals).
#pragma once

#include <functional>
#include <span>
#include <string>
#include <vector>

#include "mailsim/core/time.h"
#include "mailsim/mta/mta.h"
#include "mailsim/record/recorder.h"
#include "mailsim/scenario/world.h"

namespace mailsim::cli {

struct DriveOptions {
  Time until;                                        // the end of the run
  Duration sample_interval = Duration::seconds(60);  // REQUIRES: positive
  bool progress = false;                             // a percentage line on stderr
  // Who makes the sender groups' arrivals; the results are the same either way.
  workload::ArrivalThread arrivals = workload::ArrivalThread::kSimulation;
};

// Gets the MTAs' queues at a sample time, numbered by their place in world.mtas() and in
// that order: every MTA's at the first sample, then those that may have changed since
// the previous sample (the others have not). Suits Recorder::add_queue_sample() with the
// nodes named by sampled_names().
using QueueSampleSink = std::function<void(Time at, std::span<const record::QueueSample> changed)>;

// The names of world.mtas(), in order: the nodes of the samples.
std::vector<std::string> sampled_names(const scenario::World& world);

// Calls world.start(), then runs it. The MTAs' queues are sampled, after all events at the
// sample time, at 0, at each multiple of the interval up to `until`, and at `until`.
// `stop` is asked before each step (every sample time and progress step): when it says
// yes, the run ends there, with a last sample unless one was just taken. Returns whether
// the run reached `until`; it ended at world.simulator().now() either way.
bool drive(scenario::World& world, const DriveOptions& options, const QueueSampleSink& sample,
           const std::function<bool()>& stop);

}  // namespace mailsim::cli
