#include "mailsim/smtp/transparency.h"

#include <cstring>

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

// One memchr a line.
std::size_t plain_lines_prefix(std::string_view data) {
  std::size_t end = 0;  // after the last line of the run
  while (end < data.size() && data[end] != '.') {
    const void* lf = std::memchr(data.data() + end, '\n', data.size() - end);
    if (lf == nullptr) break;
    const auto at = static_cast<std::size_t>(static_cast<const char*>(lf) - data.data());
    if (at == end || data[at - 1] != '\r') break;
    end = at + 1;
  }
  return end;
}

std::string_view dot_unstuff_line(std::string_view line) {
  if (!line.empty() && line.front() == '.') line.remove_prefix(1);
  return line;
}

}  // namespace mailsim::smtp
