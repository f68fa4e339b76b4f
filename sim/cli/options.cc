#include "cli/options.h"

#include <iostream>

#include "mailsim/core/error.h"

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

}  // namespace mailsim::cli
