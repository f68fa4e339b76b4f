// A scenario written to a temporary YAML file for a test, removed afterwards.
#pragma once

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

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
