#include "mailsim/smtp/transparency.h"

namespace mailsim::smtp {

std::string dot_stuff(std::string_view data) {
  std::string out;
  out.reserve(data.size() + data.size() / 64 + 2);
  while (!data.empty()) {
    const std::size_t end = data.find('\n');
    std::string_view line = data.substr(0, end);
    data.remove_prefix(end == std::string_view::npos ? data.size() : end + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (!line.empty() && line.front() == '.') out += '.';
    out += line;
    out += "\r\n";
  }
  return out;
}

std::string_view dot_unstuff_line(std::string_view line) {
  if (!line.empty() && line.front() == '.') line.remove_prefix(1);
  return line;
}

}  // namespace mailsim::smtp
