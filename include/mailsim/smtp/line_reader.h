// Splits a byte stream into lines, the framing both SMTP directions use (RFC 5321 2.3.8).
// Lines end in CRLF; a bare LF is accepted too, as Postfix does. Bytes may arrive in any
// split. A line longer than the caller's limit is skipped, not stored, so memory stays
// bounded whatever the peer sends.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace mailsim::smtp {

struct Line {
  std::string text;       // without the line end
  bool too_long = false;  // the line exceeded the limit; text is then empty
};

// A line as next_view() gives it: `text` points into the reader's buffer.
struct LineView {
  std::string_view text;  // without the line end
  bool too_long = false;  // the line exceeded the limit; text is then empty
};

class LineReader {
 public:
  void feed(std::string_view bytes);

  // The next complete line, or nullopt until more bytes arrive. `max_octets` counts the
  // line end too; it may change from call to call (commands and message data differ).
  std::optional<Line> next(std::size_t max_octets);
  // The same without copying the line: its text stays valid until the next call of
  // feed(), next() or next_view() (the sessions' hot path: one allocation less per line).
  std::optional<LineView> next_view(std::size_t max_octets);
  // The next complete line of `bytes` when this reader holds nothing unread: the same line
  // next_view() would give after feed(bytes), taken in place and removed from `bytes`.
  // nullopt, with `bytes` untouched, when the reader holds something, `bytes` has no line
  // end, or the line is longer than `max_octets` (those take feed() and next_view()).
  // Defined here: a client reads most reply lines through it, several per segment.
  std::optional<LineView> take_line(std::string_view& bytes, std::size_t max_octets) const {
    if (discarding_ || start_ != buffer_.size()) return std::nullopt;
    const std::size_t end = bytes.find('\n');
    if (end == std::string_view::npos || end + 1 > max_octets) return std::nullopt;
    std::size_t length = end;
    if (length > 0 && bytes[end - 1] == '\r') --length;
    const LineView line{bytes.substr(0, length), false};
    bytes.remove_prefix(end + 1);
    return line;
  }
  // Nothing unread: the next byte fed starts a line.
  bool holds_nothing() const { return !discarding_ && start_ == buffer_.size(); }

 private:
  void compact();

  std::string buffer_;
  std::size_t start_ = 0;    // where the next line begins in buffer_
  std::size_t scanned_ = 0;  // buffer_ before this holds no line end after start_
  bool discarding_ = false;  // inside an over-long line whose end has not come yet
};

}  // namespace mailsim::smtp
