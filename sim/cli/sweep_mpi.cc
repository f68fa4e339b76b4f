#include "cli/sweep_mpi.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <stdexcept>

#include "mailsim/core/error.h"

#ifdef MAILSIM_WITH_MPI
#include <boost/mpi/collectives/broadcast.hpp>
#include <boost/mpi/communicator.hpp>
#include <boost/mpi/environment.hpp>
#include <boost/serialization/string.hpp>
#include <boost/serialization/vector.hpp>
#endif

namespace mailsim::cli {

bool launched_by_mpi() {
  // Open MPI's mpirun; MPICH's hydra and Slurm's PMI-2; PMIx (srun --mpi=pmix).
  for (const char* name : {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_RANK"}) {
    if (std::getenv(name) != nullptr) return true;
  }
  return false;
}

#ifndef MAILSIM_WITH_MPI

bool run_over_mpi(const SweepPlan&, int, const std::function<bool()>&, bool) {
  throw InputError("this mailsim was built without MPI, but an MPI launcher started it",
                   "install libboost-mpi-dev and openmpi-bin and build again (CMake option "
                   "MAILSIM_WITH_MPI), or run the sweep without mpirun, with -j N",
                   {"command line", 0, 0, ""});
}

#else

namespace {

namespace mpi = boost::mpi;
constexpr int kShardTag = 1;

std::string read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream bytes;
  if (!in || !(bytes << in.rdbuf())) throw std::runtime_error("cannot read the shard " + path);
  return bytes.str();
}

// A rank other than 0 hands its completed shards to rank 0 and removes them.
void send_shards(const mpi::communicator& world, const SweepPlan& plan,
                 const std::vector<SweepRun>& completed) {
  world.send(0, kShardTag, static_cast<std::int64_t>(completed.size()));
  for (const SweepRun& run : completed) {
    const std::string shard = plan.shard_path(run.run_id);
    const std::string bytes = read_bytes(shard);
    std::error_code ignored;
    std::filesystem::remove(shard, ignored);  // before rank 0 can tidy a shared folder
    world.send(0, kShardTag, run.run_id);
    world.send(0, kShardTag, bytes);
  }
}

// Rank 0 takes every other rank's shards and merges them.
void receive_shards(const mpi::communicator& world, const SweepPlan& plan, bool quiet) {
  for (int source = 1; source < world.size(); ++source) {
    std::int64_t count = 0;
    world.recv(source, kShardTag, count);
    for (std::int64_t i = 0; i < count; ++i) {
      std::int64_t run_id = 0;
      std::string bytes;
      world.recv(source, kShardTag, run_id);
      world.recv(source, kShardTag, bytes);
      const std::string received = plan.shard_path(run_id) + ".from-rank-" + std::to_string(source);
      std::ofstream(received, std::ios::binary) << bytes;
      plan.merge(received);
    }
    if (!quiet) std::cerr << "mailsim: merged " << count << " runs of rank " << source << "\n";
  }
}

// Every rank does every size-th run of `todo_ids`; the other ranks then send their
// completed shards to rank 0, which merges them. Returns whether this is rank 0.
bool share_runs(const mpi::communicator& world, const SweepPlan& plan,
                const std::vector<std::int64_t>& todo_ids, int jobs,
                const std::function<bool()>& stop, bool quiet) {
  const bool root = world.rank() == 0;
  if (!root) plan.make_shard_folder();
  std::vector<SweepRun> mine;  // every size-th run, from this rank's number
  for (std::size_t i = static_cast<std::size_t>(world.rank()); i < todo_ids.size();
       i += static_cast<std::size_t>(world.size())) {
    mine.push_back(plan.runs()[static_cast<std::size_t>(todo_ids[i] - 1)]);
  }
  if (root && !quiet) {
    std::cerr << "mailsim: " << plan.runs().size() << " runs, " << todo_ids.size() << " to do over "
              << world.size() << " ranks, " << jobs << " at a time each\n";
  }
  const std::vector<SweepRun> completed = run_locally(plan, mine, jobs, root, stop, quiet);
  if (!root) {
    send_shards(world, plan, completed);
    return false;
  }
  receive_shards(world, plan, quiet);
  return true;
}

}  // namespace

bool run_over_mpi(const SweepPlan& plan, int jobs, const std::function<bool()>& stop, bool quiet) {
  mpi::environment env(mpi::threading::funneled, false);
  const mpi::communicator world;
  const bool root = world.rank() == 0;
  std::vector<std::int64_t> todo_ids;
  std::exception_ptr error;
  bool failed = false;
  if (root) {
    try {
      for (const SweepRun& r : plan.prepare()) todo_ids.push_back(r.run_id);
    } catch (...) {
      error = std::current_exception();
      failed = true;
    }
  }
  mpi::broadcast(world, failed, 0);
  if (failed) {
    if (root) std::rethrow_exception(error);
    return false;
  }
  mpi::broadcast(world, todo_ids, 0);
  // From here on every rank waits for the others: an error on one would leave them
  // waiting, so it ends the whole job.
  try {
    return share_runs(world, plan, todo_ids, jobs, stop, quiet);
  } catch (const InputError& e) {
    std::cerr << "mailsim: rank " << world.rank() << ": " << e.format() << "\n";
    env.abort(2);
  } catch (const std::exception& e) {
    std::cerr << "mailsim: rank " << world.rank() << ": internal error: " << e.what() << "\n";
    env.abort(1);
  }
  return false;
}

#endif

}  // namespace mailsim::cli
