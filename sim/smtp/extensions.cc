#include "mailsim/smtp/extensions.h"

#include <algorithm>
#include <charconv>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "smtp/text.h"

namespace mailsim::smtp {
namespace {

void add_auth_mechanisms(std::string_view parameter, std::vector<std::string>& mechanisms) {
  while (!parameter.empty()) {
    const std::size_t end = std::min(parameter.find(' '), parameter.size());
    std::string mechanism = upper(parameter.substr(0, end));
    parameter.remove_prefix(std::min(end + 1, parameter.size()));
    if (!mechanism.empty() &&
        std::find(mechanisms.begin(), mechanisms.end(), mechanism) == mechanisms.end()) {
      mechanisms.push_back(std::move(mechanism));
    }
  }
}

enum class Keyword { kPipelining, kSize, kEightBitMime, kEnhancedStatusCodes, kDsn, kAuth, kOther };

// The keywords the client uses, in upper case.
constexpr std::pair<std::string_view, Keyword> kKeywords[] = {
    {"PIPELINING", Keyword::kPipelining},
    {"SIZE", Keyword::kSize},
    {"8BITMIME", Keyword::kEightBitMime},
    {"ENHANCEDSTATUSCODES", Keyword::kEnhancedStatusCodes},
    {"DSN", Keyword::kDsn},
    {"AUTH", Keyword::kAuth},
};
constexpr std::size_t kLongestKeyword = 19;  // ENHANCEDSTATUSCODES

// An EHLO keyword is ASCII in any case (RFC 5321 4.1.1.1): it is upper-cased into a small
// buffer once, then compared whole with each known one.
Keyword keyword_of(std::string_view word) {
  if (word.size() > kLongestKeyword) return Keyword::kOther;
  char buffer[kLongestKeyword];
  std::ranges::transform(word, buffer, to_upper);
  const std::string_view upper_word(buffer, word.size());
  for (const auto& [name, keyword] : kKeywords) {
    if (upper_word == name) return keyword;
  }
  return Keyword::kOther;
}

std::int64_t parse_size_limit(std::string_view parameter) {
  std::int64_t limit = 0;
  const auto [end, error] =
      std::from_chars(parameter.data(), parameter.data() + parameter.size(), limit);
  return error == std::errc() && end == parameter.data() + parameter.size() && limit > 0 ? limit
                                                                                         : 0;
}

// The keywords of the EHLO reply's lines after the first, each "KEYWORD params".
Extensions parse_keyword_lines(std::string_view keyword_lines) {
  Extensions extensions;
  while (!keyword_lines.empty()) {
    const std::size_t newline = std::min(keyword_lines.find('\n'), keyword_lines.size());
    const std::string_view line = keyword_lines.substr(0, newline);
    keyword_lines.remove_prefix(std::min(newline + 1, keyword_lines.size()));
    const std::size_t space =
        std::ranges::find_if(line, [](char c) { return c == ' ' || c == '='; }) - line.begin();
    const std::string_view keyword = line.substr(0, space);
    const std::string_view parameter = space < line.size() ? line.substr(space + 1) : "";
    switch (keyword_of(keyword)) {
      case Keyword::kPipelining:
        extensions.pipelining = true;
        break;
      case Keyword::kSize:
        extensions.size = true;
        extensions.size_limit = parse_size_limit(parameter);
        break;
      case Keyword::kEightBitMime:
        extensions.eight_bit_mime = true;
        break;
      case Keyword::kEnhancedStatusCodes:
        extensions.enhanced_status_codes = true;
        break;
      case Keyword::kDsn:
        extensions.dsn = true;
        break;
      case Keyword::kAuth:
        extensions.auth = true;
        add_auth_mechanisms(parameter, extensions.auth_mechanisms);
        break;
      case Keyword::kOther:
        break;
    }
  }
  return extensions;
}

// The extensions of the last few distinct EHLO replies this thread read, each keyed by the
// exact text of its lines after the first (the server's name, which parse_extensions()
// does not read), from the '\n' before the second line on: "" when there is only the
// first line, so that no other text shares its key. An entry holds what
// parse_keyword_lines() gave for exactly its key, and that function reads nothing else, so
// an entry stays valid for good. A server builds its EHLO reply once per listener, and
// servers of one scenario mostly offer the same keywords: a run sees few distinct keys and
// parses each once rather than once a session. A key not held replaces the oldest entry.
class ExtensionsMemo {
 public:
  const Extensions& of(std::string_view key) {
    for (const Entry& entry : entries_) {
      if (entry.key == key) return entry.extensions;
    }
    Entry entry{std::string(key), parse_keyword_lines(key.empty() ? key : key.substr(1))};
    if (entries_.size() < kEntries) {
      entries_.push_back(std::move(entry));
      return entries_.back().extensions;
    }
    Entry& oldest = entries_[next_replaced_];
    next_replaced_ = (next_replaced_ + 1) % kEntries;
    oldest = std::move(entry);
    return oldest.extensions;
  }

 private:
  static constexpr std::size_t kEntries = 16;
  struct Entry {
    std::string key;
    Extensions extensions;
  };
  std::vector<Entry> entries_;
  std::size_t next_replaced_ = 0;
};

}  // namespace

Extensions parse_extensions(const Reply& ehlo_reply) {
  const std::string& text = ehlo_reply.lines.joined();
  const std::size_t newline = text.find('\n');
  const std::string_view key =
      newline == std::string::npos ? std::string_view() : std::string_view(text).substr(newline);
  thread_local ExtensionsMemo memo;
  return memo.of(key);
}

bool Extensions::offers_auth(std::string_view mechanism) const {
  return std::find(auth_mechanisms.begin(), auth_mechanisms.end(), mechanism) !=
         auth_mechanisms.end();
}

}  // namespace mailsim::smtp
