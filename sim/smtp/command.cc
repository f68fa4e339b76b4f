#include "mailsim/smtp/command.h"

#include <string>
#include <utility>

#include "smtp/text.h"

namespace mailsim::smtp {
namespace {

bool starts_with_ignoring_case(std::string_view text, std::string_view prefix) {
  return text.size() >= prefix.size() &&
         equals_ignoring_case(text.substr(0, prefix.size()), prefix);
}

// Splits "<path> rest" or "path rest" into the path (without <>) and the rest; nullopt when
// a "<" is not closed.
std::optional<std::pair<std::string_view, std::string_view>> split_path(std::string_view text) {
  if (!text.empty() && text.front() == '<') {
    const std::size_t close = text.find('>');
    if (close == std::string_view::npos) return std::nullopt;
    return std::pair{text.substr(1, close - 1), text.substr(close + 1)};
  }
  const std::size_t space = find_space(text);
  return std::pair{text.substr(0, space), text.substr(space)};
}

// "@a,@b:user@c" -> "user@c" (RFC 5321 4.1.2 says to accept and ignore source routes).
std::string_view drop_source_route(std::string_view path) {
  if (path.empty() || path.front() != '@') return path;
  const std::size_t colon = path.find(':');
  return colon == std::string_view::npos ? path : path.substr(colon + 1);
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

}  // namespace

Command parse_command(std::string_view line) {
  const CommandView view = split_command(line);
  return {upper(view.verb), std::string(view.argument)};
}

CommandView split_command(std::string_view line) {
  line = trim(line);
  const std::size_t space = find_space(line);
  return {line.substr(0, space), trim(line.substr(space))};
}

std::optional<PathView> split_path_argument(std::string_view argument, std::string_view prefix) {
  argument = trim(argument);
  if (!starts_with_ignoring_case(argument, prefix)) return std::nullopt;
  argument.remove_prefix(prefix.size());
  if (argument.empty() || argument.front() != ':') return std::nullopt;
  argument = trim(argument.substr(1));
  if (argument.empty()) return std::nullopt;
  const auto path = split_path(argument);
  if (!path || (!path->second.empty() && !is_space(path->second.front()))) return std::nullopt;
  // No parameter may have an empty keyword (next_parameter's), i.e. no word of them may
  // start with '=': as the parameters start with a space, that is an '=' after a space or
  // tab. Looked for with find (memchr) rather than by walking next_parameter's words.
  const std::string_view parameters = path->second;
  for (std::size_t equals = parameters.find('='); equals != std::string_view::npos;
       equals = parameters.find('=', equals + 1)) {
    if (is_space(parameters[equals - 1])) return std::nullopt;
  }
  const std::string_view address = drop_source_route(path->first);
  // memchr itself: string_view::find, not inlined here, cost a call of its own for each.
  const auto holds = [&](char c) {
    return std::char_traits<char>::find(address.data(), address.size(), c) != nullptr;
  };
  if (holds('<') || holds('>') || holds(' ') || holds('\t')) return std::nullopt;
  return PathView{address, parameters};
}

std::optional<ParameterView> next_parameter(std::string_view& parameters) {
  parameters = trim(parameters);
  if (parameters.empty()) return std::nullopt;
  const std::size_t end = find_space(parameters);
  const std::string_view word = parameters.substr(0, end);
  parameters.remove_prefix(end);
  const std::size_t equals = word.find('=');
  if (equals == std::string_view::npos) return ParameterView{word, {}, word};
  return ParameterView{word.substr(0, equals), word.substr(equals + 1), word};
}

std::optional<std::string> xtext_decode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c < '!' || c > '~') return std::nullopt;
    if (c != '+') {
      out += c;
      continue;
    }
    const int high = i + 1 < text.size() ? hex_value(text[i + 1]) : -1;
    const int low = i + 2 < text.size() ? hex_value(text[i + 2]) : -1;
    if (high < 0 || low < 0) return std::nullopt;
    out += static_cast<char>(high * 16 + low);
    i += 2;
  }
  return out;
}

}  // namespace mailsim::smtp
