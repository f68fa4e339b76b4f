#include "mailsim/smtp/extensions.h"

#include <algorithm>
#include <charconv>
#include <string>
#include <string_view>

#include "smtp/text.h"

namespace mailsim::smtp {
namespace {

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
    const std::size_t space = std::min(line.find(' '), line.size());
    const std::string keyword = upper(line.substr(0, space));
    const std::string_view parameter = space < line.size() ? line.substr(space + 1) : "";
    if (keyword == "PIPELINING") {
      extensions.pipelining = true;
    } else if (keyword == "SIZE") {
      extensions.size = true;
      extensions.size_limit = parse_size_limit(parameter);
    } else if (keyword == "8BITMIME") {
      extensions.eight_bit_mime = true;
    } else if (keyword == "ENHANCEDSTATUSCODES") {
      extensions.enhanced_status_codes = true;
    } else if (keyword == "DSN") {
      extensions.dsn = true;
    }
  }
  return extensions;
}

}  // namespace mailsim::smtp
