#include "mailsim/smtp/extensions.h"

#include <algorithm>
#include <charconv>
#include <string>
#include <string_view>

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

// An EHLO keyword (ASCII, any case; RFC 5321 4.1.1.1) is `name`, given in upper case.
bool is_keyword(std::string_view keyword, std::string_view name) {
  const auto upper_ascii = [](char c) { return c >= 'a' && c <= 'z' ? char(c - 'a' + 'A') : c; };
  return std::ranges::equal(keyword, name, {}, upper_ascii);
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
    const auto is = [keyword](std::string_view name) { return is_keyword(keyword, name); };
    if (is("PIPELINING")) {
      extensions.pipelining = true;
    } else if (is("SIZE")) {
      extensions.size = true;
      extensions.size_limit = parse_size_limit(parameter);
    } else if (is("8BITMIME")) {
      extensions.eight_bit_mime = true;
    } else if (is("ENHANCEDSTATUSCODES")) {
      extensions.enhanced_status_codes = true;
    } else if (is("DSN")) {
      extensions.dsn = true;
    } else if (is("AUTH")) {
      extensions.auth = true;
      add_auth_mechanisms(parameter, extensions.auth_mechanisms);
    }
  }
  return extensions;
}

bool Extensions::offers_auth(std::string_view mechanism) const {
  return std::find(auth_mechanisms.begin(), auth_mechanisms.end(), mechanism) !=
         auth_mechanisms.end();
}

}  // namespace mailsim::smtp
