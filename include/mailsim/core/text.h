// ASCII text helpers for the protocol and configuration names that compare without case
// (domain names, local parts of configured mailboxes). Locale-independent by design.
#pragma once

#include <cstddef>
#include <functional>
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

// A hash for unordered containers of std::string that looks up by std::string_view too
// (with std::equal_to<>), so that a lookup copies nothing.
struct TextHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view text) const {
    return std::hash<std::string_view>{}(text);
  }
};

}  // namespace mailsim
