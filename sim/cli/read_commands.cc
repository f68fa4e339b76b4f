// mailsim report / trace / check / bench: the verbs that read results or measure.
#include <iostream>

#include "cli/commands.h"
#include "cli/options.h"
#include "mailsim/bench/engine_bench.h"
#include "mailsim/bench/net_bench.h"
#include "mailsim/bench/tcp_validation.h"
#include "mailsim/core/error.h"
#include "mailsim/record/check.h"
#include "mailsim/record/summary.h"
#include "mailsim/record/trace.h"

namespace mailsim::cli {

namespace {

// "run 3 (point 2, replication 0: {"mtas.college.retry":"exim"})"
void print_run_heading(const record::Summary& s, std::ostream& out) {
  out << "run " << s.run_id;
  if (s.point)
    out << " (point " << *s.point << ", replication " << s.replication << ": " << s.parameters
        << ")";
  out << "\n";
}

}  // namespace

// A database with several runs (a sweep's) is reported run by run, each under a heading,
// or as one JSON object per line; --run N reports one of them.
int report_command(const Args& args) {
  po::options_description options("options");
  std::string db;
  std::int64_t run = 0;
  options.add_options()("database", po::value(&db)->required(), "a results database")(
      "json", "one JSON object on one line instead of the table (one per run)")(
      "run", po::value(&run), "report only this run (its run_id); default: every run");
  po::positional_options_description positional;
  positional.add("database", 1);
  po::variables_map vm;
  if (!parse_options("report", "OUT.db [--json] [--run N]", args, options, positional, vm)) {
    return 0;
  }
  const std::vector<record::Summary> summaries =
      run != 0 ? std::vector{record::read_summary(db, run, &std::cerr)}
               : record::read_summaries(db, &std::cerr);
  const bool json = vm.count("json") != 0;
  for (std::size_t i = 0; i < summaries.size(); ++i) {
    if (json) {
      record::print_summary_json(summaries[i], std::cout);
      continue;
    }
    if (summaries.size() > 1) std::cout << (i > 0 ? "\n" : "");
    if (summaries.size() > 1) print_run_heading(summaries[i], std::cout);
    record::print_summary(summaries[i], std::cout);
  }
  return 0;
}

int trace_command(const Args& args) {
  po::options_description options("options");
  std::string db, message;
  std::int64_t run = 0;
  options.add_options()("database", po::value(&db)->required(), "a results database")(
      "message", po::value(&message)->required(), "the message's number or Message-ID")(
      "run", po::value(&run), "the run (its run_id) of a database that holds several");
  po::positional_options_description positional;
  positional.add("database", 1).add("message", 1);
  po::variables_map vm;
  if (!parse_options("trace", "OUT.db MESSAGE [--run N]", args, options, positional, vm)) {
    return 0;
  }
  record::print_trace(db, message, std::cout, run, &std::cerr);
  return 0;
}

// Exit 0 when every invariant holds, 1 (with the offending rows) when one does not.
int check_command(const Args& args) {
  std::string db;
  if (!parse_file_argument("check", "OUT.db", "database", "a results database", args, db)) {
    return 0;
  }
  const std::vector<record::Violation> violations = record::check_results(db, &std::cerr);
  if (violations.empty()) {
    std::cout << db << ": every invariant holds\n";
    return 0;
  }
  record::print_violations(std::cout, violations);
  return 1;
}

int bench_command(const Args& args) {
  po::options_description options("options");
  std::string what;
  std::vector<std::size_t> sizes;
  options.add_options()("what", po::value(&what)->required(),
                        "engine (event-engine speed), net (flow sharing speed) or tcp (the "
                        "network model against ns-3)")(
      "sizes", po::value(&sizes)->multitoken(),
      "pending-event counts N (default 100 10000 1000000)");
  po::positional_options_description positional;
  positional.add("what", 1);
  po::variables_map vm;
  if (!parse_options("bench", "engine|net|tcp [--sizes N...]", args, options, positional, vm)) {
    return 0;
  }
  if (what == "tcp") return bench::run_tcp_validation(std::cout);
  if (what == "net") return bench::run_net_bench(std::cout);
  if (what != "engine") {
    throw InputError("unknown benchmark '" + what + "'", "use: mailsim bench engine, net or tcp",
                     {"command line", 0, 0, ""});
  }
  bench::EngineBenchOptions o;
  if (!sizes.empty()) o.sizes = sizes;
  return bench::run_engine_bench(o, std::cout);
}

}  // namespace mailsim::cli
