#include "mailsim/smtp/reply.h"

#include <algorithm>
#include <string>

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

}  // namespace

std::string Reply::wire() const {
  std::string out;
  append_wire(out);
  return out;
}

void Reply::append_wire(std::string& out, bool printable_only) const {
  // Three digits, without std::to_string's allocation, unless a test made up another code.
  char digits[3] = {static_cast<char>('0' + code / 100 % 10),
                    static_cast<char>('0' + code / 10 % 10), static_cast<char>('0' + code % 10)};
  const std::string other = code >= 100 && code <= 999 ? std::string() : std::to_string(code);
  const std::string_view code_text =
      other.empty() ? std::string_view(digits, 3) : std::string_view(other);
  const std::size_t count = lines.empty() ? 1 : lines.size();
  for (std::size_t i = 0; i < count; ++i) {
    out += code_text;
    out += i + 1 < count ? '-' : ' ';
    const std::string_view line = lines.empty() ? std::string_view() : lines[i];
    out += enhanced;
    if (!enhanced.empty() && !line.empty()) out += ' ';
    const std::size_t text_at = out.size();
    out += line;
    if (printable_only) {
      std::replace_if(
          out.begin() + static_cast<std::ptrdiff_t>(text_at), out.end(),
          [](char c) { return c < ' ' || c > '~'; }, '?');
    }
    if (enhanced.empty() && line.empty() && i + 1 == count) out.pop_back();  // "250\r\n"
    out += "\r\n";
  }
}

std::string Reply::text() const {
  std::string out = enhanced;
  for (const std::string& line : lines) {
    if (!out.empty()) out += ' ';
    out += line;
  }
  return out;
}

Reply make_reply(int code, std::string enhanced, std::string_view text) {
  Reply reply{code, std::move(enhanced), {}};
  std::size_t start = 0;
  while (true) {
    const std::size_t end = text.find('\n', start);
    std::string_view line = text.substr(start, end - start);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    reply.lines.emplace_back(line);
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  return reply;
}

void ReplyParser::feed(std::string_view bytes) { reader_.feed(bytes); }

std::optional<Reply> ReplyParser::next() {
  while (!malformed_) {
    std::optional<LineView> line = reader_.next_view(kMaxReplyLine);
    if (!line) return std::nullopt;
    if (!in_reply_) {
      raw_.clear();
      partial_ = Reply{};
      in_reply_ = true;
    }
    if (keep_raw_) raw_.emplace_back(line->text);
    if (!take_line(*line)) {
      malformed_ = true;
      return std::nullopt;
    }
    if (complete_) {
      in_reply_ = complete_ = false;
      return std::move(partial_);
    }
  }
  return std::nullopt;
}

bool ReplyParser::take_line(const LineView& line) {
  const std::string_view text = line.text;
  if (line.too_long || text.size() < 3) return false;
  if (text[0] < '2' || text[0] > '5' || !is_digit(text[1]) || !is_digit(text[2])) return false;
  const int code = (text[0] - '0') * 100 + (text[1] - '0') * 10 + (text[2] - '0');
  if (text.size() > 3 && text[3] != ' ' && text[3] != '-') return false;
  const bool first = partial_.lines.empty();
  if (!first && code != partial_.code) return false;
  complete_ = text.size() == 3 || text[3] == ' ';
  const std::string_view rest = text.size() > 4 ? text.substr(4) : std::string_view();
  if (first) {
    partial_.code = code;
    partial_.enhanced.assign(rest.substr(0, enhanced_code_length(rest, code)));
  }
  partial_.lines.emplace_back(strip_enhanced(rest, partial_.enhanced));
  return true;
}

}  // namespace mailsim::smtp
