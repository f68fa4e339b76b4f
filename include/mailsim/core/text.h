// ASCII text helpers for the protocol and configuration names that compare without case
// (domain names, local parts of configured mailboxes). Locale-independent by design.
#pragma once

#include <string>
#include <string_view>

namespace mailsim {

inline std::string ascii_lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

// `text` in lower case, without a copy when it has no capitals; otherwise the lowered
// copy is made in `buffer`. The view lives as long as `text` and `buffer` do.
inline std::string_view ascii_lower(std::string_view text, std::string& buffer) {
  for (const char c : text) {
    if (c >= 'A' && c <= 'Z') return buffer = ascii_lower(text);
  }
  return text;
}

}  // namespace mailsim
