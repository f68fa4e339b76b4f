#include "cli/sweep_runs.h"

#include <atomic>
#include <exception>
#include <filesystem>
#include <iostream>
#include <mutex>
#include <thread>

#include "cli/run_driver.h"
#include "cli/run_recording.h"
#include "mailsim/core/error.h"
#include "mailsim/record/merge.h"
#include "mailsim/record/recorder.h"
#include "mailsim/scenario/world.h"

namespace mailsim::cli {

SweepPlan::SweepPlan(scenario::SweepConfig sweep, std::string out)
    : sweep_(std::move(sweep)), out_(std::move(out)), sha256_(sha256_of_file(sweep_.scenario)) {
  for (const scenario::SweepPoint& p : sweep_.points) {
    configs_.push_back(scenario::load_point(sweep_, p));
  }
  const auto reps = static_cast<std::uint64_t>(sweep_.replications);
  for (std::size_t p = 0; p < configs_.size(); ++p) {
    for (std::uint64_t r = 0; r < reps; ++r) {
      runs_.push_back({static_cast<std::int64_t>(runs_.size() + 1), p, r});
    }
  }
}

std::string SweepPlan::shard_path(std::int64_t run_id) const {
  return out_ + ".shards/run-" + std::to_string(run_id) + ".db";
}

std::vector<std::pair<std::string, std::string>> SweepPlan::parameters(std::size_t point) const {
  std::vector<std::pair<std::string, std::string>> values;
  for (const auto& s : sweep_.points[point].settings) values.emplace_back(s.path, s.value);
  return values;
}

std::string SweepPlan::label(std::size_t point) const {
  std::string text;
  for (const auto& [path, value] : parameters(point)) {
    text += (text.empty() ? "" : ", ") + path + " = " + value;
  }
  return text;
}

std::vector<std::string> SweepPlan::labels() const {
  std::vector<std::string> all;
  for (std::size_t p = 0; p < configs_.size(); ++p) all.push_back(label(p));
  return all;
}

std::vector<SweepRun> SweepPlan::prepare() const {
  record::open_or_create_results(out_);
  std::vector<bool> done(runs_.size() + 1, false);
  for (const record::StoredRun& stored : record::read_runs(out_)) {
    const bool known = stored.run_id >= 1 && stored.run_id <= std::ssize(runs_);
    const SweepRun* r = known ? &runs_[static_cast<std::size_t>(stored.run_id - 1)] : nullptr;
    if (r == nullptr || !stored.point || *stored.point != static_cast<std::int64_t>(r->point + 1) ||
        stored.replication != r->replication ||
        stored.parameters != record::parameters_json(parameters(r->point)) ||
        stored.seed != configs_[r->point].seed) {
      throw InputError("the results database holds run " + std::to_string(stored.run_id) +
                           " of another sweep or run (parameters " + stored.parameters + ")",
                       "give another output file (-o), or remove this one to start over",
                       SourceLocation{out_, 0, 0, ""});
    }
    if (stored.scenario_sha256 != sha256_) {
      throw InputError("the scenario file " + sweep_.scenario + " changed since run " +
                           std::to_string(stored.run_id) + " of this database was made",
                       "restore it, or give another output file (-o) to start over",
                       SourceLocation{out_, 0, 0, ""});
    }
    done[static_cast<std::size_t>(stored.run_id)] = stored.status == "completed";
  }
  make_shard_folder();
  std::vector<SweepRun> todo;
  for (const SweepRun& r : runs_) {
    if (!done[static_cast<std::size_t>(r.run_id)] && !recover(r)) todo.push_back(r);
  }
  return todo;
}

// A shard that completed but was not merged (the sweep was stopped in between) is merged
// now instead of being run again.
bool SweepPlan::recover(const SweepRun& run) const {
  const std::string shard = shard_path(run.run_id);
  std::error_code ignored;
  if (!std::filesystem::exists(shard, ignored)) return false;
  try {
    const std::vector<record::StoredRun> stored = record::read_runs(shard);
    if (stored.size() != 1 || stored[0].run_id != run.run_id || stored[0].status != "completed" ||
        stored[0].parameters != record::parameters_json(parameters(run.point))) {
      return false;
    }
  } catch (const InputError&) {
    return false;  // damaged or older: run it again
  }
  merge(shard);
  return true;
}

bool SweepPlan::simulate(const SweepRun& run, const std::function<bool()>& stop) const {
  const scenario::ScenarioConfig& config = configs_[run.point];
  scenario::World world(config, run.replication);
  for (const auto& mta : world.mtas()) mta->drop_mailbox_copies();  // the recorder has them
  record::RunInfo info{config.name, sha256_, config.seed, MAILSIM_VERSION};
  info.run_id = run.run_id;
  info.point = static_cast<std::int64_t>(run.point + 1);
  info.replication = run.replication;
  info.parameters = parameters(run.point);
  record::Recorder recorder(shard_path(run.run_id), std::move(info),
                            record::parse_record_level(sweep_.record),
                            record::Existing::kReplaceResults);
  record_layout(config, recorder);
  recorder.add_queue_nodes(sampled_names(world));
  recorder.subscribe(world.events());
  recorder.subscribe(world.network());
  const DriveOptions options{Time::zero() + config.duration, Duration::seconds(60), false};
  bool completed = false;
  try {
    completed = drive(
        world, options,
        [&recorder](Time at, std::span<const record::QueueSample> changed) {
          recorder.add_queue_sample(at, changed);
        },
        stop);
  } catch (...) {
    recorder.fail(world.simulator().now());
    throw;
  }
  if (completed) {
    recorder.finish(world.simulator().now());
  } else {
    recorder.finish_interrupted(world.simulator().now());
  }
  return completed;
}

void SweepPlan::merge(const std::string& shard) const {
  record::merge_results(shard, out_);
  std::error_code ignored;
  std::filesystem::remove(shard, ignored);
}

void SweepPlan::make_shard_folder() const { std::filesystem::create_directories(out_ + ".shards"); }

void SweepPlan::tidy() const {
  std::error_code ignored;
  if (std::filesystem::is_empty(out_ + ".shards", ignored)) {
    std::filesystem::remove(out_ + ".shards", ignored);
  }
}

std::vector<SweepRun> run_locally(const SweepPlan& plan, const std::vector<SweepRun>& todo,
                                  int jobs, bool merge, const std::function<bool()>& stop,
                                  bool quiet) {
  std::atomic<std::size_t> next{0};
  std::atomic<bool> failed{false};
  std::mutex mutex;  // guards what follows, merging and the progress lines
  std::exception_ptr error;
  std::vector<SweepRun> completed;
  auto stopped = [&] { return failed.load() || stop(); };
  auto work = [&] {
    while (!stopped()) {
      const std::size_t i = next++;
      if (i >= todo.size()) return;
      try {
        if (!plan.simulate(todo[i], stopped)) return;
        std::lock_guard lock(mutex);
        if (merge) plan.merge(plan.shard_path(todo[i].run_id));
        completed.push_back(todo[i]);
        if (!quiet) {
          std::cerr << "mailsim: run " << todo[i].run_id << " done (point " << todo[i].point + 1
                    << ", replication " << todo[i].replication << "), " << completed.size()
                    << " of " << todo.size() << "\n";
        }
      } catch (...) {
        std::lock_guard lock(mutex);
        if (!error) error = std::current_exception();
        failed = true;
        return;
      }
    }
  };
  std::vector<std::thread> threads;
  for (int t = 1; t < jobs; ++t) threads.emplace_back(work);
  work();
  for (std::thread& t : threads) t.join();
  if (error) std::rethrow_exception(error);
  return completed;
}

}  // namespace mailsim::cli
