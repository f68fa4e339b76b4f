// Message data transparency (RFC 5321 4.5.2): a client doubles a leading "." on each
// line and ends the data with a line holding only "."; a server undoes it.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace mailsim::smtp {

// The data as it goes on the wire after DATA, without the final ".\r\n". Every line,
// including a last one without a line end, comes out terminated by CRLF (a bare LF is
// turned into CRLF too).
std::string dot_stuff(std::string_view data);

// The length of the whole lines at the front of `data` that transparency leaves as they
// are: each ends in CRLF and none starts with ".". Both directions pass such a run on in one
// piece rather than line by line.
std::size_t plain_lines_prefix(std::string_view data);
// The same run and, found in the same pass, where the first empty line ("\r\n") in it
// ends: a server notes where a message's header ends as its lines come.
struct PlainLines {
  std::size_t end = 0;                                  // plain_lines_prefix()
  std::size_t empty_line_end = std::string_view::npos;  // none in the run
};
PlainLines scan_plain_lines(std::string_view data);

// One received data line (without its line end) with a leading "." removed. Call only
// for lines that are not the end-of-data line ".".
std::string_view dot_unstuff_line(std::string_view line);

}  // namespace mailsim::smtp
