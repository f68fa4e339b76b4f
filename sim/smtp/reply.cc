#include "mailsim/smtp/reply.h"

#include <algorithm>
#include <cstring>
#include <string>
#include <utility>

#include "smtp/reply_memo.h"

namespace mailsim::smtp {
namespace {

// RFC 5321 allows 512 octets; real servers exceed it, so only a runaway line is refused.
constexpr std::size_t kMaxReplyLine = 4096;

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// Length of a run of 1 to 3 digits at `pos`, 0 when there is none or it is longer.
std::size_t digit_run(std::string_view text, std::size_t pos) {
  std::size_t n = 0;
  while (pos + n < text.size() && is_digit(text[pos + n])) ++n;
  return n <= 3 ? n : 0;
}

// Length of the RFC 3463 code ("class.subject.detail") that starts `text`, if it is
// followed by a space or the end and its class matches the reply code; else 0.
std::size_t enhanced_code_length(std::string_view text, int code) {
  if (text.empty() || text[0] != static_cast<char>('0' + code / 100)) return 0;
  if (text.size() < 2 || text[1] != '.') return 0;
  std::size_t pos = 2;
  const std::size_t subject = digit_run(text, pos);
  if (subject == 0 || pos + subject >= text.size() || text[pos + subject] != '.') return 0;
  pos += subject + 1;
  const std::size_t detail = digit_run(text, pos);
  if (detail == 0) return 0;
  pos += detail;
  return pos == text.size() || text[pos] == ' ' ? pos : 0;
}

std::string_view strip_enhanced(std::string_view text, std::string_view enhanced) {
  if (enhanced.empty() || !text.starts_with(enhanced)) return text;
  if (text.size() == enhanced.size()) return {};
  if (text[enhanced.size()] != ' ') return text;
  return text.substr(enhanced.size() + 1);
}

// A reply code as text: three digits without std::to_string's allocation, unless a test made
// up another code.
class CodeText {
 public:
  explicit CodeText(int code) {
    if (code >= 100 && code <= 999) {
      digits_[0] = static_cast<char>('0' + code / 100);
      digits_[1] = static_cast<char>('0' + code / 10 % 10);
      digits_[2] = static_cast<char>('0' + code % 10);
    } else {
      other_ = std::to_string(code);
    }
  }
  std::string_view view() const {
    return other_.empty() ? std::string_view(digits_, 3) : std::string_view(other_);
  }

 private:
  char digits_[3] = {};
  std::string other_;
};

// One line of a reply's wire form: "250-text\r\n", or "250 2.1.0 text\r\n" for the last.
// With `printable_only`, each octet of `line` outside printable ASCII goes out as '?'. The
// line is sized once and its pieces copied to their places: a reply is a handful of short
// pieces, each of which would cost an append of its own.
void append_wire_line(std::string& out, std::string_view code, bool last, std::string_view enhanced,
                      std::string_view line, bool printable_only) {
  if (enhanced.empty() && line.empty() && last) {
    out.append(code).append("\r\n");  // "250\r\n"
    return;
  }
  const bool gap = !enhanced.empty() && !line.empty();
  const std::size_t at = out.size();
  out.resize(at + code.size() + 1 + enhanced.size() + (gap ? 1 : 0) + line.size() + 2);
  char* to = std::copy(code.begin(), code.end(), out.data() + at);
  *to++ = last ? ' ' : '-';
  to = std::copy(enhanced.begin(), enhanced.end(), to);
  if (gap) *to++ = ' ';
  if (printable_only) {
    // Every octet is written, replaced or not, so that the compiler can do many at once.
    to = std::transform(line.begin(), line.end(), to,
                        [](char c) { return c < ' ' || c > '~' ? '?' : c; });
  } else {
    to = std::copy(line.begin(), line.end(), to);
  }
  to[0] = '\r';
  to[1] = '\n';
}

// Calls `visit(line, last)` for each line of `text`, split at '\n' as make_reply() splits
// it (a CR before the '\n' dropped).
template <class Visit>
void for_each_text_line(std::string_view text, Visit visit) {
  std::size_t start = 0;
  while (true) {
    const std::size_t end = text.find('\n', start);
    std::string_view line = text.substr(start, end - start);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    visit(line, end == std::string_view::npos);
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
}

}  // namespace

ReplyLines::const_iterator::const_iterator(std::string_view text, std::size_t left)
    : at_(text.data()), end_(text.data() + text.size()), left_(left) {
  if (left_ > 0) measure();
}

void ReplyLines::const_iterator::measure() {
  const void* newline = std::memchr(at_, '\n', static_cast<std::size_t>(end_ - at_));
  length_ = newline != nullptr ? static_cast<const char*>(newline) - at_ : end_ - at_;
}

ReplyLines::const_iterator& ReplyLines::const_iterator::operator++() {
  if (--left_ > 0) {
    at_ += length_ + 1;
    measure();
  }
  return *this;
}

ReplyLines::ReplyLines(std::initializer_list<std::string_view> lines) {
  for (const std::string_view line : lines) push_back(line);
}

std::string_view ReplyLines::back() const {
  const std::size_t newline = text_.rfind('\n');
  return newline == std::string::npos ? std::string_view(text_)
                                      : std::string_view(text_).substr(newline + 1);
}

std::string_view ReplyLines::operator[](std::size_t index) const {
  const_iterator line = begin();
  while (index-- > 0) ++line;
  return *line;
}

// Lines come one at a time nearly always (the parser's, make_reply()'s): a '\n' is looked
// for first (memchr) and counted only when there is one.
void ReplyLines::push_back(std::string_view line) {
  if (count_ > 0) text_ += '\n';
  text_ += line;
  count_ += 1;
  if (line.find('\n') != std::string_view::npos) {
    count_ += static_cast<std::size_t>(std::count(line.begin(), line.end(), '\n'));
  }
}

void ReplyLines::append_spaced(std::string& out) const {
  for (const std::string_view line : *this) {
    if (!out.empty()) out += ' ';
    out += line;
  }
}

std::string Reply::wire() const {
  std::string out;
  append_wire(out);
  return out;
}

void Reply::append_wire(std::string& out, bool printable_only) const {
  const CodeText code_text(code);
  out.reserve(out.size() + lines.joined().size() + lines.size() * (enhanced.size() + 7) +
              enhanced.size() + 7);
  if (lines.size() <= 1) {  // most replies: the whole text is the one line, or there is none
    return append_wire_line(out, code_text.view(), true, enhanced, lines.joined(), printable_only);
  }
  std::size_t left = lines.size();
  for (const std::string_view line : lines) {
    append_wire_line(out, code_text.view(), --left == 0, enhanced, line, printable_only);
  }
}

std::string Reply::text() const {
  std::string out = enhanced;
  lines.append_spaced(out);
  return out;
}

std::string Reply::plain_text() const {
  // One line, or none, is its text as it is (a line holds no '\n'), with no walk over lines.
  if (lines.size() <= 1) return lines.joined();
  std::string out;
  lines.append_spaced(out);
  return out;
}

Reply make_reply(int code, std::string enhanced, std::string_view text) {
  Reply reply{code, std::move(enhanced), {}};
  for_each_text_line(text, [&](std::string_view line, bool) { reply.lines.push_back(line); });
  return reply;
}

void append_reply_wire(std::string& out, int code, std::string_view enhanced, std::string_view text,
                       bool printable_only) {
  const CodeText code_text(code);
  // Room for one line, as most are: the session's output is often empty, and grows once.
  out.reserve(out.size() + text.size() + enhanced.size() + 7);
  for_each_text_line(text, [&](std::string_view line, bool last) {
    append_wire_line(out, code_text.view(), last, enhanced, line, printable_only);
  });
}

void ReplyParser::feed(std::string_view bytes) { reader_.feed(bytes); }

std::optional<Reply> ReplyParser::next() {
  std::string_view nothing_more;
  const Reply* reply = next(nothing_more);
  if (reply == nullptr) return std::nullopt;
  return *reply;
}

const Reply* ReplyParser::next(std::string_view& bytes) {
  // The call after a payload's last reply, once per payload: there is no line to read.
  if (bytes.empty() && reader_.holds_nothing()) return nullptr;
  const bool clean = !keep_raw_ && !in_reply_ && !malformed_ && reader_.holds_nothing();
  if (!clean || !ReplyMemo::may_hold(bytes)) return read(bytes);
  return read_remembered(bytes);
}

// A payload that is one whole reply read before, and by a parser in the state this one is
// in (holding nothing), gives that reply again without its lines being read: the parse
// depends on nothing else. A parser that keeps raw lines reads every line, as a remembered
// reply has none. Kept out of next(), which most calls leave at once, so that they do not
// pay for this one's stack frame.
[[gnu::noinline]] const Reply* ReplyParser::read_remembered(std::string_view& bytes) {
  thread_local ReplyMemo memo;
  if (const Reply* known = memo.find(bytes)) {
    reply_ = *known;
    bytes = {};
    return &reply_;
  }
  const std::string_view whole = bytes;
  const Reply* reply = read(bytes);
  if (reply != nullptr && bytes.empty() && reader_.holds_nothing()) memo.remember(whole, *reply);
  return reply;
}

const Reply* ReplyParser::read(std::string_view& bytes) {
  while (!malformed_) {
    // Most lines are wholly inside `bytes` and taken in place (LineReader::take_line()).
    std::optional<LineView> line = reader_.take_line(bytes, kMaxReplyLine);
    if (!line && !(line = next_buffered_line(bytes))) return nullptr;
    if (!in_reply_) {  // the first line sets the code and the enhanced code
      raw_.clear();
      reply_.lines.clear();
      in_reply_ = true;
    }
    if (keep_raw_) raw_.emplace_back(line->text);
    const LineKind kind = line->too_long ? LineKind::kMalformed : take_line(line->text);
    if (kind == LineKind::kMalformed) {
      malformed_ = true;
      return nullptr;
    }
    if (kind == LineKind::kLast) {
      in_reply_ = false;
      return &reply_;
    }
  }
  return nullptr;
}

// A line that `bytes` does not hold whole, or one after bytes the reader holds: `bytes`
// joins the reader, which then gives every line.
std::optional<LineView> ReplyParser::next_buffered_line(std::string_view& bytes) {
  if (bytes.empty()) {
    if (reader_.holds_nothing()) return std::nullopt;  // the usual end of a segment
  } else {
    reader_.feed(bytes);
    bytes = {};
  }
  return reader_.next_view(kMaxReplyLine);
}

// "250-text" or "250 text" (the last line), each line of a reply with the same code. The
// first line's enhanced code is that of the reply, and the text of every line is read
// after it when it starts with it.
ReplyParser::LineKind ReplyParser::take_line(std::string_view text) {
  if (text.size() < 3) return LineKind::kMalformed;
  if (text[0] < '2' || text[0] > '5' || !is_digit(text[1]) || !is_digit(text[2])) {
    return LineKind::kMalformed;
  }
  const int code = (text[0] - '0') * 100 + (text[1] - '0') * 10 + (text[2] - '0');
  const bool last = text.size() == 3 || text[3] == ' ';
  if (!last && text[3] != '-') return LineKind::kMalformed;
  const std::string_view rest = text.size() > 4 ? text.substr(4) : std::string_view();
  if (reply_.lines.empty()) {
    reply_.code = code;
    const std::size_t enhanced = enhanced_code_length(rest, code);
    if (enhanced == 0) {
      reply_.enhanced.clear();
      reply_.lines.append_line(rest);
    } else {
      reply_.enhanced.assign(rest.data(), enhanced);
      // The text follows the enhanced code and its space (or the code ends the line).
      reply_.lines.append_line(rest.substr(std::min(rest.size(), enhanced + 1)));
    }
  } else {
    if (code != reply_.code) return LineKind::kMalformed;
    reply_.lines.append_line(strip_enhanced(rest, reply_.enhanced));
  }
  return last ? LineKind::kLast : LineKind::kMore;
}

}  // namespace mailsim::smtp
