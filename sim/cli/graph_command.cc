// mailsim graph: a scenario's network as Graphviz DOT, or as SVG through Graphviz's dot.
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iostream>
#include <sstream>

#include "cli/commands.h"
#include "cli/options.h"
#include "mailsim/core/error.h"
#include "mailsim/scenario/graph.h"

extern char** environ;

namespace mailsim::cli {
namespace {

InputError output_error(const std::string& path, const std::string& why) {
  return InputError("cannot write " + path + ": " + why,
                    "choose an output path in a folder that exists and is writable (-o FILE)",
                    {"command line", 0, 0, "-o"});
}

// Runs `dot -Tsvg` with `dot_text` on its standard input; its output goes to `path`, or to
// our standard output when `path` is empty.
void render_svg(const std::string& dot_text, const std::string& path) {
  int fds[2];
  if (::pipe(fds) != 0) throw std::runtime_error(std::strerror(errno));
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, fds[0], STDIN_FILENO);
  posix_spawn_file_actions_addclose(&actions, fds[1]);
  if (!path.empty()) {
    posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, path.c_str(),
                                     O_WRONLY | O_CREAT | O_TRUNC, 0644);
  }
  char* argv[] = {const_cast<char*>("dot"), const_cast<char*>("-Tsvg"), nullptr};
  pid_t pid = 0;
  const int spawned = ::posix_spawnp(&pid, "dot", &actions, nullptr, argv, environ);
  posix_spawn_file_actions_destroy(&actions);
  ::close(fds[0]);
  if (spawned != 0) {
    ::close(fds[1]);
    throw InputError("cannot run Graphviz's dot: " + std::string(std::strerror(spawned)),
                     "install Debian's graphviz package, or leave out --svg to get DOT text",
                     {"command line", 0, 0, "--svg"});
  }
  for (std::size_t done = 0; done < dot_text.size();) {
    const ssize_t n = ::write(fds[1], dot_text.data() + done, dot_text.size() - done);
    if (n <= 0) break;  // dot exited early; its status says why
    done += static_cast<std::size_t>(n);
  }
  ::close(fds[1]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    if (!path.empty()) throw output_error(path, "Graphviz's dot failed");
    throw std::runtime_error("Graphviz's dot failed on the generated graph");
  }
}

}  // namespace

int graph_command(const Args& args) {
  po::options_description options("options");
  std::string scenario_path, output;
  bool svg = false;
  options.add_options()("scenario", po::value(&scenario_path)->required(), "the scenario file")(
      "output,o", po::value(&output), "write to FILE instead of standard output")(
      "svg", po::bool_switch(&svg), "draw the graph as SVG with Graphviz's dot");
  po::positional_options_description positional;
  positional.add("scenario", 1);
  po::variables_map vm;
  if (!parse_options("graph", "SCENARIO.yaml [-o FILE] [--svg]", args, options, positional, vm)) {
    return 0;
  }
  std::ostringstream dot;
  scenario::write_dot(scenario::load_scenario(scenario_path), dot);
  if (svg) {
    render_svg(dot.str(), output);
  } else if (output.empty()) {
    std::cout << dot.str();
  } else {
    std::ofstream out(output, std::ios::binary | std::ios::trunc);
    out << dot.str();
    if (!out.flush()) throw output_error(output, std::strerror(errno));
  }
  return 0;
}

}  // namespace mailsim::cli
