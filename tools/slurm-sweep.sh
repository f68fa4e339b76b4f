#!/usr/bin/env bash
# An example Slurm batch script for a mailsim sweep over MPI: one rank per Slurm task,
# each simulating its share of the runs with --cpus-per-task threads; rank 0 merges all
# runs into RESULTS.db. A sweep is resumable, so after a time-out submit it again and it
# does only what RESULTS.db lacks. Adapt the #SBATCH lines to your cluster.
#
#   sbatch --nodes=4 --ntasks-per-node=32 tools/slurm-sweep.sh SWEEP.yaml RESULTS.db
#
# Build mailsim on the cluster first (tools/mailsim --version builds build/ with MPI when
# libboost-mpi-dev and openmpi-bin are installed), or point MAILSIM at a binary. By default
# the ranks are started with Open MPI's mpirun, which takes the nodes from the Slurm
# allocation; LAUNCHER="srun --mpi=pmix" uses Slurm's own launcher instead.
#SBATCH --job-name=mailsim-sweep
#SBATCH --nodes=2
#SBATCH --ntasks-per-node=16
#SBATCH --cpus-per-task=1
#SBATCH --time=04:00:00
#SBATCH --output=mailsim-sweep-%j.log
set -euo pipefail

usage="usage: sbatch tools/slurm-sweep.sh SWEEP.yaml RESULTS.db"
sweep=${1:?$usage}
results=${2:?$usage}
# Slurm runs a copy of this script from its spool folder: find the tree from where the job
# was submitted.
root=${SLURM_SUBMIT_DIR:-$(pwd)}
mailsim=${MAILSIM:-$root/build/sim/cli/mailsim}
launcher=${LAUNCHER:-mpirun}
threads=${SLURM_CPUS_PER_TASK:-1}

if [ ! -x "$mailsim" ]; then
  echo "slurm-sweep: no mailsim at $mailsim; build it (tools/mailsim --version) or set MAILSIM" >&2
  exit 2
fi
cd "$root"
echo "slurm-sweep: job ${SLURM_JOB_ID:-?}: ${SLURM_NTASKS:-?} ranks x $threads threads," \
  "$sweep -> $results"
# shellcheck disable=SC2086  # the launcher may carry its own options
$launcher "$mailsim" sweep "$sweep" -o "$results" -j "$threads"
