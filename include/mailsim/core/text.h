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

}  // namespace mailsim
