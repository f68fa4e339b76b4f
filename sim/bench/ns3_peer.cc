#include "ns3_peer.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <filesystem>
#include <string_view>
#include <vector>

extern char** environ;

namespace mailsim::bench {

namespace {

bool is_executable(const std::string& path) {
  std::error_code ec;
  return !path.empty() && std::filesystem::is_regular_file(path, ec) &&
         ::access(path.c_str(), X_OK) == 0;
}

std::string describe_wait_status(int status) {
  if (WIFEXITED(status)) {
    return "exited with status " + std::to_string(WEXITSTATUS(status));
  }
  if (WIFSIGNALED(status)) {
    return "was killed by signal " + std::to_string(WTERMSIG(status));
  }
  return "ended with wait status " + std::to_string(status);
}

struct Captured {
  int status = -1;  // as waitpid() reports it
  std::string out;
};

// Runs argv[0] with `argv` and waits for it; stdout is captured, stderr passes through.
std::optional<Captured> run_capturing(const std::vector<std::string>& argv) {
  std::array<int, 2> fds{};
  // O_CLOEXEC: the read end never reaches the child; dup2 clears it on the child's stdout.
  if (::pipe2(fds.data(), O_CLOEXEC) != 0) {
    return std::nullopt;
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, fds[1], STDOUT_FILENO);
  std::vector<char*> args;
  args.reserve(argv.size() + 1);
  for (const std::string& a : argv) {
    args.push_back(const_cast<char*>(a.c_str()));
  }
  args.push_back(nullptr);
  pid_t pid = 0;
  const int spawned = ::posix_spawn(&pid, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  ::close(fds[1]);
  if (spawned != 0) {
    ::close(fds[0]);
    return std::nullopt;
  }
  Captured captured;
  std::array<char, 4096> buffer{};
  for (;;) {
    const ssize_t n = ::read(fds[0], buffer.data(), buffer.size());
    if (n > 0) {
      captured.out.append(buffer.data(), static_cast<std::size_t>(n));
    } else if (n == 0 || errno != EINTR) {
      break;
    }
  }
  ::close(fds[0]);
  while (::waitpid(pid, &captured.status, 0) < 0 && errno == EINTR) {
  }
  return captured;
}

}  // namespace

std::optional<std::string> find_ns3_program(std::string_view name, const std::string& configured,
                                            const std::string& build_path) {
  if (!configured.empty()) {
    return is_executable(configured) ? std::optional(configured) : std::nullopt;
  }
  std::error_code ec;
  const auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    const std::string beside = (self.parent_path() / name).string();
    if (is_executable(beside)) {
      return beside;
    }
  }
  if (is_executable(build_path)) {
    return build_path;
  }
  return std::nullopt;
}

std::optional<std::string> run_ns3_peer(const std::vector<std::string>& argv, std::string_view tag,
                                        std::string& error) {
  const std::string& program = argv.at(0);
  const auto captured = run_capturing(argv);
  if (!captured) {
    error = "cannot start " + program;
    return std::nullopt;
  }
  if (!WIFEXITED(captured->status) || WEXITSTATUS(captured->status) != 0) {
    error = program + " " + describe_wait_status(captured->status);
    return std::nullopt;
  }
  std::string_view out = captured->out;
  while (!out.empty()) {
    const std::size_t end = out.find('\n');
    const std::string_view line = out.substr(0, end);
    if (line.size() > tag.size() && line.starts_with(tag) && line[tag.size()] == ' ') {
      return std::string(line);
    }
    out.remove_prefix(end == std::string_view::npos ? out.size() : end + 1);
  }
  error = program + " printed no " + std::string(tag) + " line: " + captured->out;
  return std::nullopt;
}

std::optional<std::string> find_ns3_hold_program(const std::string& configured) {
#ifdef MAILSIM_NS3_HOLD_PROGRAM
  const std::string build_path = MAILSIM_NS3_HOLD_PROGRAM;
#else
  const std::string build_path;
#endif
  return find_ns3_program(kNs3HoldProgramName, configured, build_path);
}

std::optional<HoldResult> run_ns3_hold(const std::string& program, const HoldPlan& plan,
                                       std::string& error) {
  const auto line =
      run_ns3_peer({program, std::to_string(plan.size), std::to_string(plan.warmup_events),
                    std::to_string(plan.timed_events)},
                   "hold", error);
  if (!line) {
    return std::nullopt;
  }
  if (auto result = parse_hold_line(*line)) {
    return result;
  }
  error = program + " printed a hold line that does not parse: " + *line;
  return std::nullopt;
}

}  // namespace mailsim::bench
