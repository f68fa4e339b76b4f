// Parsing of SMTP command lines (RFC 5321 4.1): the verb, its argument, the
// "FROM:<path> KEY=VALUE ..." form that MAIL and RCPT share (RFC 5321 4.1.2, with the
// ESMTP parameters of RFC 1869), and the xtext encoding of DSN parameter values
// (RFC 3461 4). Lenient like Postfix: any case, spaces after the colon, a path without
// angle brackets.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace mailsim::smtp {

struct Command {
  std::string verb;      // upper-cased; empty for a blank line
  std::string argument;  // the rest of the line, without surrounding spaces
};

Command parse_command(std::string_view line);

// parse_command() without its copies: the verb as sent (any case) and the argument, both
// viewing `line`.
struct CommandView {
  std::string_view verb;
  std::string_view argument;
};
CommandView split_command(std::string_view line);

// The argument of MAIL ("FROM") or RCPT ("TO"), as views of the text it was read from.
struct PathView {
  std::string_view address;     // without <>; a source route (<@a,@b:user@c>) is dropped
  std::string_view parameters;  // the text after the path; next_parameter() reads it
};
// Splits `argument`; nullopt when it is not `prefix ":" path *(SP parameter)`.
std::optional<PathView> split_path_argument(std::string_view argument, std::string_view prefix);

// A parameter as next_parameter() gives it, viewing the text.
struct ParameterView {
  std::string_view keyword;  // as sent (any case), e.g. "size"
  std::string_view value;    // empty for a keyword without "="
  std::string_view text;     // as sent, e.g. "size=1000": replies that refuse it quote this

  bool has_value() const { return text.size() > keyword.size(); }  // "KEY=..." (maybe empty)
};
// The next parameter of PathView::parameters, taken off its front; nullopt at the end.
// Parameters split_path_argument() gave are well formed (each has a keyword).
std::optional<ParameterView> next_parameter(std::string_view& parameters);

// Decodes xtext, where "+" and two hex digits stand for one octet ("+2B" is "+"); nullopt
// when a "+" lacks its two hex digits or an octet is outside "!".."~". Like Postfix, it
// accepts lower-case hex digits and a literal "=".
std::optional<std::string> xtext_decode(std::string_view text);

}  // namespace mailsim::smtp
