// mailsim sweep: every run of a sweep file into one results database, in parallel on this
// machine (-j) or over the ranks of an MPI job, then the mean and 95 % confidence
// interval of the main measures per parameter point.
#include <iostream>

#include "cli/commands.h"
#include "cli/interrupt.h"
#include "cli/options.h"
#include "cli/sweep_mpi.h"
#include "cli/sweep_runs.h"
#include "mailsim/core/error.h"
#include "mailsim/record/summary.h"
#include "mailsim/scenario/sweep.h"
#include "mailsim/sweep/point_figures.h"

namespace mailsim::cli {
namespace {

void print_results(const SweepPlan& plan, std::ostream& out) {
  const std::vector<record::Summary> runs = record::read_summaries(plan.out());
  sweep::print_point_figures(sweep::point_figures(runs, plan.labels()), out);
  out << "results: " << plan.out() << " (" << runs.size() << " of " << plan.runs().size()
      << " runs)\n";
}

}  // namespace

// Exit status: 0 when every run is in the results, 2 for bad input, 130 or 143 when a
// signal stopped the sweep (completed runs are kept; run it again to finish).
int sweep_command(const Args& args) {
  po::options_description options("options");
  std::string sweep_path, out;
  int jobs = 1;
  options.add_options()("sweep", po::value(&sweep_path)->required(), "the sweep file")(
      "output,o", po::value(&out)->required(), "the results database (resumed when it exists)")(
      "jobs,j", po::value(&jobs)->default_value(1), "runs at a time on this machine (per rank)")(
      "quiet,q", "no progress lines");
  po::positional_options_description positional;
  positional.add("sweep", 1);
  po::variables_map vm;
  if (!parse_options("sweep", "SWEEP.yaml -o RESULTS.db [-j N]", args, options, positional, vm)) {
    return 0;
  }
  if (jobs < 1 || jobs > 1024) {
    throw InputError("-j takes a number of runs at a time from 1 to 1024", "for example -j 4",
                     {"command line", 0, 0, "--jobs"});
  }
  const bool quiet = vm.count("quiet") != 0;
  const SweepPlan plan(scenario::load_sweep(sweep_path), out);
  const StopOnSignals signals;
  const auto stop = [&signals] { return signals.received() != 0; };
  if (launched_by_mpi()) {
    if (!run_over_mpi(plan, jobs, stop, quiet)) return 0;  // a rank other than 0
  } else {
    const std::vector<SweepRun> todo = plan.prepare();
    if (!quiet) {
      std::cerr << "mailsim: " << plan.runs().size() << " runs, " << todo.size() << " to do, "
                << jobs << " at a time\n";
    }
    run_locally(plan, todo, jobs, true, stop, quiet);
  }
  plan.tidy();
  print_results(plan, std::cout);
  if (signals.received() == 0) return 0;
  std::cerr << "mailsim: " << signal_name(signals.received())
            << ": sweep stopped; run it again to do the rest\n";
  return exit_status_for_signal(signals.received());
}

}  // namespace mailsim::cli
