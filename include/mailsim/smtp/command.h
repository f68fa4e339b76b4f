// Parsing of SMTP command lines (RFC 5321 4.1): the verb, its argument, and the
// "FROM:<path> KEY=VALUE ..." form that MAIL and RCPT share (RFC 5321 4.1.2, with the
// ESMTP parameters of RFC 1869). Lenient like Postfix: any case, spaces after the colon,
// a path without angle brackets.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mailsim::smtp {

struct Command {
  std::string verb;      // upper-cased; empty for a blank line
  std::string argument;  // the rest of the line, without surrounding spaces
};

Command parse_command(std::string_view line);

struct MailParameter {
  std::string keyword;  // upper-cased, e.g. "SIZE"
  std::string value;    // empty for a keyword without "="
};

struct PathArgument {
  std::string address;  // without <>; a source route (<@a,@b:user@c>) is dropped
  std::vector<MailParameter> parameters;
};

// Parses `argument` of MAIL ("FROM") or RCPT ("TO"); nullopt when it is not
// `prefix ":" path *(SP parameter)`.
std::optional<PathArgument> parse_path_argument(std::string_view argument, std::string_view prefix);

}  // namespace mailsim::smtp
