// A scenario written to a temporary YAML file for a test, removed afterwards, and the
// error loading one.
#pragma once

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <optional>
#include <string>

#include "mailsim/core/error.h"
#include "mailsim/scenario/config.h"

class ScenarioFile {
 public:
  explicit ScenarioFile(const std::string& yaml) {
    static int counter = 0;
    path_ = std::filesystem::temp_directory_path() / ("mailsim-test-" + std::to_string(::getpid()) +
                                                      "-" + std::to_string(++counter) + ".yaml");
    std::ofstream(path_) << yaml;
  }
  ~ScenarioFile() { std::filesystem::remove(path_); }
  std::string path() const { return path_.string(); }

 private:
  std::filesystem::path path_;
};

// The error load_scenario() raises for `yaml`; nullopt when it loads.
inline std::optional<mailsim::InputError> scenario_error(const std::string& yaml) {
  const ScenarioFile f(yaml);
  try {
    mailsim::scenario::load_scenario(f.path());
  } catch (const mailsim::InputError& e) {
    return e;
  }
  return std::nullopt;
}
