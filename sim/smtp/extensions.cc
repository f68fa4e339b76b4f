#include "mailsim/smtp/extensions.h"

#include <algorithm>
#include <charconv>
#include <string>
#include <string_view>
#include <utility>

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

}  // namespace

Extensions parse_extensions(const Reply& ehlo_reply) {
  Extensions extensions;
  for (std::size_t i = 1; i < ehlo_reply.lines.size(); ++i) {
    const std::string_view line = ehlo_reply.lines[i];
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

bool Extensions::offers_auth(std::string_view mechanism) const {
  return std::find(auth_mechanisms.begin(), auth_mechanisms.end(), mechanism) !=
         auth_mechanisms.end();
}

}  // namespace mailsim::smtp
