// Boost.Program_options glue shared by the verbs: parsing with errors turned into
// InputError, and --help text.
#pragma once

#include <boost/program_options.hpp>
#include <string>
#include <vector>

namespace mailsim::cli {

namespace po = boost::program_options;

// Parses `args` for `verb`. Returns false when --help was asked for and printed.
bool parse_options(const std::string& verb, const std::string& usage,
                   const std::vector<std::string>& args, po::options_description& options,
                   const po::positional_options_description& positional, po::variables_map& vm);

// For verbs whose only argument is one file: parses it into `path`. Returns false when
// --help was asked for and printed.
// `name` is what an error calls the missing argument ("scenario", "database").
bool parse_file_argument(const std::string& verb, const std::string& usage, const char* name,
                         const std::string& description, const std::vector<std::string>& args,
                         std::string& path);

}  // namespace mailsim::cli
