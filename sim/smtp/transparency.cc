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

std::size_t plain_lines_prefix(std::string_view data) { return scan_plain_lines(data).end; }

// One memchr a line.
PlainLines scan_plain_lines(std::string_view data) {
  PlainLines run;  // run.end: after the last line of the run
  while (run.end < data.size() && data[run.end] != '.') {
    const void* lf = std::memchr(data.data() + run.end, '\n', data.size() - run.end);
    if (lf == nullptr) break;
    const auto at = static_cast<std::size_t>(static_cast<const char*>(lf) - data.data());
    if (at == run.end || data[at - 1] != '\r') break;
    if (at == run.end + 1 && run.empty_line_end == std::string_view::npos) {
      run.empty_line_end = at + 1;
    }
    run.end = at + 1;
  }
  return run;
}

std::string_view dot_unstuff_line(std::string_view line) {
  if (!line.empty() && line.front() == '.') line.remove_prefix(1);
  return line;
}

}  // namespace mailsim::smtp
