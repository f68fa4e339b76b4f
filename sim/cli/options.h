// Boost.Program_options glue shared by the verbs: parsing with errors turned into
// InputError, --help text, and the option values more than one verb reads.
#pragma once

#include <boost/program_options.hpp>
#include <cstdint>
#include <string>
#include <vector>

#include "mailsim/smtp/sasl.h"

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

// The option values below throw InputError naming `key` ("--auth") when malformed.

// "USER:PASS" (the password may contain ":").
smtp::Credentials parse_credentials(const std::string& text, const char* key);
// Octets: a whole number ("2048") or a size with its unit ("10MB", "25KiB").
std::int64_t parse_octets(const std::string& text, const char* key);
// The items of options given as "a,b" and/or repeated; empty items are dropped.
std::vector<std::string> split_list(const std::vector<std::string>& values);

}  // namespace mailsim::cli
