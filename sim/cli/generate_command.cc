// mailsim generate: writes an internet-like scenario (scenario/generator.h).
#include <filesystem>
#include <fstream>
#include <iostream>

#include "cli/commands.h"
#include "cli/options.h"
#include "mailsim/core/error.h"
#include "mailsim/scenario/generator.h"

namespace mailsim::cli {

namespace {

InputError option_error(const std::string& key, const std::string& problem,
                        const std::string& hint) {
  return InputError(problem, hint, {"command line", 0, 0, key});
}

}  // namespace

int generate_command(const Args& args) {
  po::options_description options("options");
  scenario::GeneratorOptions g;
  std::string output;
  bool force = false;
  options.add_options()("output,o", po::value(&output), "the scenario file to write (required)")(
      "domains", po::value(&g.domains)->default_value(g.domains), "mail domains, at least 20")(
      "messages", po::value(&g.messages)->default_value(g.messages),
      "messages over the whole run, at least 1")("days", po::value(&g.days)->default_value(g.days),
                                                 "simulated days, 1 to 3650")(
      "seed", po::value(&g.seed)->default_value(g.seed),
      "seed of the generator's choices and of the scenario")(
      "name", po::value(&g.name)->default_value(g.name), "the scenario's name")(
      "force", po::bool_switch(&force), "replace FILE if it exists");
  po::variables_map vm;
  if (!parse_options("generate", "-o FILE.yaml [--domains N] [--messages M] [--days D] [--seed S]",
                     args, options, {}, vm)) {
    return 0;
  }
  if (output.empty()) {
    throw option_error("-o", "generate needs an output file", "write -o FILE.yaml");
  }
  if (g.domains < 20 || g.domains > 100'000) {
    throw option_error("--domains", "--domains " + std::to_string(g.domains) + " is out of range",
                       "give 20 to 100000");
  }
  if (g.messages < 1 || g.messages > 10'000'000'000) {
    throw option_error("--messages", "--messages must be 1 to 10000000000",
                       "for example --messages 1000000");
  }
  if (g.days < 1 || g.days > 3650) {
    throw option_error("--days", "--days must be 1 to 3650", "for example --days 7");
  }
  const bool plain = !g.name.empty() && g.name.find_first_not_of(
                                            "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                            "0123456789-_.") == std::string::npos;
  if (!plain || g.name.front() == '.') {
    throw option_error("--name", "'" + g.name + "' cannot name a scenario",
                       "use letters, digits, '-', '_' and '.'");
  }
  if (!force && std::filesystem::exists(output)) {
    throw option_error("-o", output + " exists", "choose another file, or add --force");
  }
  g.command = "mailsim generate --domains " + std::to_string(g.domains) + " --messages " +
              std::to_string(g.messages) + " --days " + std::to_string(g.days) + " --seed " +
              std::to_string(g.seed) + " --name " + g.name;
  const std::string text = scenario::generate_scenario(g);
  std::ofstream out(output, std::ios::binary | std::ios::trunc);
  if (!out || !(out << text) || !out.flush()) {
    throw option_error("-o", "cannot write " + output,
                       "choose an output path in a folder that exists and is writable");
  }
  std::cout << output << ": " << text.size() << " bytes, " << g.domains << " domains, "
            << g.messages << " messages over " << g.days << " days\n";
  return 0;
}

}  // namespace mailsim::cli
