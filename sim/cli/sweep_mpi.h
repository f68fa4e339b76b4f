// Spreading a sweep's runs over the ranks of an MPI job (Boost.MPI). Rank 0 decides what
// is left to do, every rank does every size-th run of it into its own shards (with -j
// threads each), the other ranks send their completed shards to rank 0 as bytes (no
// shared file system needed), and rank 0 merges them into the results database.
#pragma once

#include <functional>

#include "cli/sweep_runs.h"

namespace mailsim::cli {

// Whether this process was started by an MPI launcher (mpirun, srun): the launcher's rank
// variables are set. Always false in a build without MPI.
bool launched_by_mpi();

// Does the sweep's runs as one rank of the job. Returns true on rank 0, which then holds
// the merged results; false on the other ranks. InputError on rank 0 (a results file of
// another sweep) ends every rank.
bool run_over_mpi(const SweepPlan& plan, int jobs, const std::function<bool()>& stop, bool quiet);

}  // namespace mailsim::cli
