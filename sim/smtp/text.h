// Small ASCII text helpers shared by the smtp sources (private to the layer).
#pragma once

#include <string>
#include <string_view>

#include "mailsim/core/text.h"  // equals_ignoring_case

namespace mailsim::smtp {

inline bool is_space(char c) { return c == ' ' || c == '\t'; }

// The position of the first space or tab in `text`, or its size when there is none
// (find_first_of(" \t") costs a search of the set for each character).
inline std::size_t find_space(std::string_view text) {
  std::size_t at = 0;
  while (at < text.size() && !is_space(text[at])) ++at;
  return at;
}

inline std::string_view trim(std::string_view text) {
  while (!text.empty() && is_space(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_space(text.back())) text.remove_suffix(1);
  return text;
}

// ASCII only, as std::toupper in the "C" locale the simulator runs in, without its call.
constexpr char to_upper(char c) {
  return c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c;
}

inline std::string upper(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = to_upper(c);
  return out;
}

}  // namespace mailsim::smtp
