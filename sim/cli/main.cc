// mailsim: the command-line entry point. Dispatches to the verbs; the only place that
// catches InputError (exit 2) and unexpected exceptions (exit 1).
#include <cstring>
#include <exception>
#include <iostream>
#include <string>

#include "cli/allocator.h"
#include "cli/commands.h"
#include "mailsim/core/error.h"

namespace {

constexpr const char* kUsage = R"(usage: mailsim VERB [ARGS...]

verbs:
  run SCENARIO.yaml [-o OUT.db] [--force] [--seed N] [--until DURATION] [--record LEVEL]
      [--queue-sample-interval DURATION] [--quiet]
                            simulate and write the results database
  validate SCENARIO.yaml    check a scenario without running it
  report OUT.db [--json]    summarise a results database
  trace OUT.db MESSAGE      one message's story across hops (number or Message-ID)
  check OUT.db              verify the results' invariants (exit 1 when one is broken)
  sweep SWEEP.yaml -o RESULTS.db [-j N]
                            many runs (parameter points x replications) into one database,
                            resumable; under mpirun, spread over the ranks
  generate -o FILE.yaml [--domains N] [--messages M] [--days D] [--seed S]
                            write an internet-like scenario
  graph SCENARIO.yaml [-o FILE] [--svg]
                            the network as Graphviz DOT, or SVG through Graphviz's dot
  smtpd --listen HOST:PORT  an SMTP server on a real socket, delivering to a Maildir
  send --server HOST:PORT --from A --to B
                            send one message to a real SMTP server
  bench engine              the event-engine benchmark (hold model), with ns-3 as peer
  bench net                 flow starts and completions per second, with SimGrid as peer
  bench tcp                 the network model's transfer times against ns-3's TCP

Each verb takes --help. mailsim --version prints the version.
)";

int dispatch(int argc, char** argv) {
  using namespace mailsim::cli;
  if (argc < 2 || std::strcmp(argv[1], "--help") == 0 || std::strcmp(argv[1], "-h") == 0) {
    std::cout << kUsage;
    return argc < 2 ? 2 : 0;
  }
  const std::string verb = argv[1];
  if (verb == "--version") {
    std::cout << "mailsim " << MAILSIM_VERSION << "\n"
              << "malloc: " << allocator_in_use() << "\n";
    return 0;
  }
  const Args args(argv + 2, argv + argc);
  if (verb == "run") return run_command(args);
  if (verb == "validate") return validate_command(args);
  if (verb == "report") return report_command(args);
  if (verb == "trace") return trace_command(args);
  if (verb == "check") return check_command(args);
  if (verb == "sweep") return sweep_command(args);
  if (verb == "graph") return graph_command(args);
  if (verb == "generate") return generate_command(args);
  if (verb == "bench") return bench_command(args);
  if (verb == "smtpd") return smtpd_command(args);
  if (verb == "send") return send_command(args);
  throw mailsim::InputError("unknown verb '" + verb + "'",
                            "use one of: run, validate, report, trace, check, sweep, graph, "
                            "generate, bench, smtpd, send (mailsim --help)",
                            {"command line", 0, 0, ""});
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return dispatch(argc, argv);
  } catch (const mailsim::InputError& e) {
    std::cerr << "mailsim: " << e.format() << "\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "mailsim: internal error: " << e.what() << "\n";
    return 1;
  }
}
