#include "cli/options.h"

#include <charconv>
#include <iostream>

#include "mailsim/core/error.h"
#include "mailsim/core/units.h"

namespace mailsim::cli {

bool parse_options(const std::string& verb, const std::string& usage,
                   const std::vector<std::string>& args, po::options_description& options,
                   const po::positional_options_description& positional, po::variables_map& vm) {
  options.add_options()("help,h", "show this help");
  try {
    po::store(po::command_line_parser(args).options(options).positional(positional).run(), vm);
    if (vm.count("help") != 0) {
      std::cout << "usage: mailsim " << verb << " " << usage << "\n\n" << options << "\n";
      return false;
    }
    po::notify(vm);
  } catch (const po::error& e) {
    throw InputError(
        std::string(e.what()),
        "usage: mailsim " + verb + " " + usage + " (mailsim " + verb + " --help for more)",
        {"command line", 0, 0, ""});
  }
  return true;
}

bool parse_file_argument(const std::string& verb, const std::string& usage, const char* name,
                         const std::string& description, const std::vector<std::string>& args,
                         std::string& path) {
  po::options_description options("options");
  options.add_options()(name, po::value(&path)->required(), description.c_str());
  po::positional_options_description positional;
  positional.add(name, 1);
  po::variables_map vm;
  return parse_options(verb, usage, args, options, positional, vm);
}

smtp::Credentials parse_credentials(const std::string& text, const char* key) {
  const std::size_t colon = text.find(':');
  if (colon == std::string::npos || colon == 0) {
    throw InputError("'" + text + "' is not USER:PASS",
                     "write the user name, a colon, the password", {"command line", 0, 0, key});
  }
  return {text.substr(0, colon), text.substr(colon + 1)};
}

std::int64_t parse_octets(const std::string& text, const char* key) {
  std::int64_t octets = 0;
  const char* end = text.data() + text.size();
  const auto [ptr, error] = std::from_chars(text.data(), end, octets);
  if (!text.empty() && error == std::errc() && ptr == end && octets >= 0) return octets;
  try {
    return parse_size(text);
  } catch (const InputError& e) {
    throw e.at({"command line", 0, 0, key});
  }
}

std::vector<std::string> split_list(const std::vector<std::string>& values) {
  std::vector<std::string> items;
  for (const std::string& value : values) {
    std::size_t start = 0;
    while (start <= value.size()) {
      const std::size_t comma = std::min(value.find(',', start), value.size());
      if (comma > start) items.push_back(value.substr(start, comma - start));
      start = comma + 1;
    }
  }
  return items;
}

}  // namespace mailsim::cli
