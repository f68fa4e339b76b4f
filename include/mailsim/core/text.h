// ASCII text helpers for the protocol and configuration names that compare without case
// (domain names, local parts of configured mailboxes). Locale-independent by design.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
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

// Whether `text` has an ASCII capital. Eight bytes at a time: with each byte's bit 7
// masked off (so that no sum carries into the next byte), a byte of the word is a capital
// when adding 0x3f sets its bit 7 (>= 'A'), adding 0x25 does not (<= 'Z') and its own
// bit 7 was clear. Names are looked up by every message's every hop.
inline bool has_ascii_upper(std::string_view text) {
  constexpr std::uint64_t kBytes = 0x0101010101010101u;
  std::size_t i = 0;
  for (; i + 8 <= text.size(); i += 8) {
    std::uint64_t word;
    std::memcpy(&word, text.data() + i, 8);
    const std::uint64_t low = word & (0x7f * kBytes);
    if (((low + 0x3f * kBytes) & ~(low + 0x25 * kBytes) & ~word & (0x80 * kBytes)) != 0) {
      return true;
    }
  }
  for (; i < text.size(); ++i) {
    if (text[i] >= 'A' && text[i] <= 'Z') return true;
  }
  return false;
}

// Whether `a` and `b` are the same text but for the case of ASCII letters.
inline bool equals_ignoring_case(std::string_view a, std::string_view b) {
  const auto fold = [](char c) {
    return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
  };
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(),
                                            [&](char x, char y) { return fold(x) == fold(y); });
}

// `text` in lower case, without a copy when it has no capitals; otherwise the lowered
// copy is made in `buffer`. The view lives as long as `text` and `buffer` do.
inline std::string_view ascii_lower(std::string_view text, std::string& buffer) {
  if (!has_ascii_upper(text)) return text;
  return buffer = ascii_lower(text);
}

}  // namespace mailsim
