#include "mailsim/smtp/message_body.h"

#include <algorithm>
#include <array>
#include <cassert>
#include <cstring>
#include <string_view>
#include <utility>

#include "mailsim/core/random.h"
#include "mailsim/smtp/headers.h"
#include "mailsim/smtp/transparency.h"

namespace mailsim::smtp {
namespace {

// A synthetic body is full lines of kLineChars characters and CRLF, then at most two short
// ones that make up the size: r octets left over give one line of r - 2 characters; a
// single octet left over turns the last full line into kLineChars - 1 characters and adds
// an empty line.
constexpr std::int64_t kLineChars = 78;
constexpr std::int64_t kLineOctets = kLineChars + 2;

struct Layout {
  std::int64_t full_lines = 0;
  std::array<std::int64_t, 2> tail = {-1, -1};  // characters of the short lines; -1: none
};

Layout layout_of(std::int64_t octets) {
  Layout layout{octets / kLineOctets, {-1, -1}};
  const std::int64_t rest = octets % kLineOctets;
  if (rest == 1) {
    --layout.full_lines;
    layout.tail = {kLineChars - 1, 0};
  } else if (rest >= 2) {
    layout.tail[0] = rest - 2;
  }
  return layout;
}

constexpr std::array<std::string_view, 32> kWords = {
    "mail",  "queue",  "relay",  "hop",    "retry",    "envelope",  "header", "body",
    "route", "domain", "host",   "link",   "deferred", "delivered", "bounce", "sender",
    "inbox", "server", "client", "packet", "latency",  "backoff",   "window", "transit",
    "post",  "letter", "stamp",  "parcel", "address",  "greeting",  "data",   "reply"};

// Line `index` of the filler for `seed`: words from kWords, cut to `chars` characters.
// Built in a buffer with room for the last word to run over (and the CRLF), then appended
// at once: this runs for every line of every synthetic body sent.
void append_filler_line(std::string& out, std::uint64_t seed, std::int64_t index,
                        std::int64_t chars) {
  static const StreamName kStream("smtp:synthetic-body");
  constexpr std::size_t kLongestWord = 9;
  static_assert(std::ranges::all_of(kWords, [](auto w) { return w.size() <= kLongestWord; }));
  RandomStream words(seed, static_cast<std::uint64_t>(index), kStream);
  const auto length = static_cast<std::size_t>(chars);
  std::array<char, kLineChars + kLongestWord + 2> line;
  std::size_t end = 0;
  while (end < length) {
    if (end > 0) line[end++] = ' ';
    const std::string_view word = kWords[words.uniform_int(kWords.size())];
    std::memcpy(line.data() + end, word.data(), word.size());
    end += word.size();
  }
  if (length > 0 && line[length - 1] == ' ') line[length - 1] = 's';  // no trailing blank
  line[length] = '\r';
  line[length + 1] = '\n';
  out.append(line.data(), length + 2);
}

// The Fill of a synthetic body's filler (VirtualContent): octets [offset, offset + length)
// of the `octets` of filler for `seed`, clipped to them.
void append_filler(std::string& out, std::uint64_t seed, std::int64_t octets, std::int64_t offset,
                   std::int64_t length) {
  const std::int64_t end = std::min(octets, offset + length);
  if (offset >= end) return;
  const Layout layout = layout_of(octets);
  std::int64_t index = std::min(offset / kLineOctets, layout.full_lines);
  std::int64_t line_start = index * kLineOctets;
  std::string line;
  while (line_start < end) {
    const std::int64_t tail = index - layout.full_lines;
    const std::int64_t chars = tail < 0 ? kLineChars : layout.tail[static_cast<std::size_t>(tail)];
    const std::int64_t line_end = line_start + chars + 2;  // with CRLF
    if (offset <= line_start && line_end <= end) {         // a whole line: straight into out
      append_filler_line(out, seed, index, chars);
    } else {
      line.clear();
      append_filler_line(line, seed, index, chars);
      const std::int64_t from = std::max(offset, line_start) - line_start;
      const std::int64_t to = std::min(end, line_end) - line_start;
      if (from < to) {
        out.append(line, static_cast<std::size_t>(from), static_cast<std::size_t>(to - from));
      }
    }
    line_start = line_end;
    ++index;
  }
}

}  // namespace

MessageBody::MessageBody(std::string text)
    : text_(text.empty() ? nullptr : std::make_shared<const std::string>(std::move(text))) {}

MessageBody MessageBody::synthetic(std::int64_t octets, std::uint64_t seed) {
  assert(octets >= 0);
  MessageBody body;
  body.synthetic_ = true;
  body.synthetic_size_ = octets == 1 ? 2 : octets;
  body.seed_ = seed;
  return body;
}

void MessageBody::append_to(std::string& out, std::int64_t offset, std::int64_t length) const {
  if (synthetic_) return append_filler(out, seed_, synthetic_size_, offset, length);
  const std::int64_t end = std::min(size(), offset + length);
  if (offset >= end) return;
  out.append(*text_, static_cast<std::size_t>(offset), static_cast<std::size_t>(end - offset));
}

VirtualContent MessageBody::filler() const {
  assert(synthetic_);
  return {&append_filler, seed_, synthetic_size_};
}

bool MessageBody::is_filler(const VirtualContent& content) {
  return content.fill == &append_filler;
}

MessageBody MessageBody::of_filler(const VirtualContent& content) {
  assert(is_filler(content));
  return synthetic(content.size, content.key);
}

bool MessageBody::filler_line_starts_at(const VirtualContent& content, std::int64_t offset) {
  assert(is_filler(content));
  const Layout layout = layout_of(content.size);
  const std::int64_t full = layout.full_lines * kLineOctets;
  if (offset <= full) return offset % kLineOctets == 0;
  std::int64_t line_end = full;
  for (const std::int64_t chars : layout.tail) {
    if (chars < 0) break;
    line_end += chars + 2;
    if (offset == line_end) return true;
  }
  return false;
}

Message::Message(std::string text) {
  const MessageParts parts = split_message(text);
  header_size_ = parts.header.size();
  const std::size_t body_start = parts.body.empty() ? text.size() : text.size() - parts.body.size();
  body_ = MessageBody(text.substr(body_start));
  text.resize(body_start);
  head_ = std::move(text);
}

Message::Message(std::string header, MessageBody body)
    : head_(std::move(header) + "\r\n"), header_size_(head_.size() - 2), body_(std::move(body)) {}

void Message::append_to(std::string& out, std::int64_t offset, std::int64_t length) const {
  const std::int64_t head_size = std::ssize(head_);
  if (offset < head_size) {
    const std::int64_t take = std::min(length, head_size - offset);
    out.append(head_, static_cast<std::size_t>(offset), static_cast<std::size_t>(take));
    offset += take;
    length -= take;
  }
  if (length > 0) body_.append_to(out, offset - head_size, length);
}

std::string Message::text() const {
  std::string out;
  out.reserve(static_cast<std::size_t>(size()));
  append_to(out, 0, size());
  return out;
}

DataStream::DataStream(SharedMessage message) : message_(std::move(message)) {}

void DataStream::read(std::string& out, std::int64_t octets) {
  assert(octets > 0);
  if (finished_) return;
  if (message_->body().is_synthetic() && offset_ >= message_->size() - message_->body().size()) {
    read_filler(out, octets);
  } else {
    piece_.clear();
    message_->append_to(piece_, offset_, octets);
    offset_ += std::ssize(piece_);
    stuff(piece_, out);
  }
  finish_if_done(out);
}

void DataStream::read(Payload& out, std::int64_t octets) {
  assert(octets > 0);
  if (finished_) return;
  const MessageBody& body = message_->body();
  if (!body.is_synthetic()) return read(out.tail_bytes(), octets);
  const std::int64_t head_size = message_->size() - body.size();
  if (offset_ < head_size) {  // the head is real text, stuffed from where it is kept
    const std::int64_t real = std::min(octets, head_size - offset_);
    stuff(
        message_->head().substr(static_cast<std::size_t>(offset_), static_cast<std::size_t>(real)),
        out.tail_bytes());
    offset_ += real;
    octets -= real;
  }
  if (octets > 0 && offset_ < message_->size()) {
    if (std::exchange(pending_cr_, false)) out.tail_bytes() += '\r';
    const std::int64_t from = offset_ - head_size;
    const std::int64_t length = std::min(octets, body.size() - from);
    const VirtualContent filler = body.filler();
    out.append(VirtualSpan{filler, from, length});
    offset_ += length;
    at_line_start_ = MessageBody::filler_line_starts_at(filler, from + length);
  }
  finish_if_done(out.tail_bytes());
}

void DataStream::finish_if_done(std::string& out) {
  if (offset_ < message_->size()) return;
  if (pending_cr_ || !at_line_start_) out += "\r\n";  // the last line had no line end
  finished_ = true;
}

// Filler is its own wire form: no line starts with a dot and every CR ends a line, so
// stuff() would pass it through as it is, keeping back a CR at the end of a piece until
// the LF that follows.
void DataStream::read_filler(std::string& out, std::int64_t octets) {
  if (std::exchange(pending_cr_, false)) out += '\r';
  const std::size_t start = out.size();
  message_->append_to(out, offset_, octets);
  offset_ += std::ssize(out) - static_cast<std::int64_t>(start);
  if (out.size() == start) return;
  at_line_start_ = out.back() == '\n';
  if (out.back() == '\r') {
    out.pop_back();
    pending_cr_ = true;
  }
}

// The line state carries over from one piece to the next. Lines that need nothing (CRLF,
// no leading ".") go out as one run; any other line's text goes out at once, up to the LF
// that memchr finds; a CR before that LF is the line end, any other CR stays.
void DataStream::stuff(std::string_view piece, std::string& out) {
  while (!piece.empty()) {
    if (at_line_start_ && !pending_cr_) {
      const std::size_t plain = plain_lines_prefix(piece);
      out.append(piece.substr(0, plain));
      piece.remove_prefix(plain);
      if (piece.empty()) return;
    }
    if (pending_cr_) {
      pending_cr_ = false;
      if (piece.front() == '\n') {
        out += "\r\n";
        at_line_start_ = true;
        piece.remove_prefix(1);
        continue;
      }
      out += '\r';  // a CR inside a line stays
    }
    if (at_line_start_ && piece.front() == '.') out += '.';
    const void* lf = std::memchr(piece.data(), '\n', piece.size());
    if (lf == nullptr) {  // the line goes on in the next piece
      const bool ends_in_cr = piece.back() == '\r';
      out.append(piece.substr(0, piece.size() - (ends_in_cr ? 1 : 0)));
      pending_cr_ = ends_in_cr;
      at_line_start_ = false;
      return;
    }
    std::string_view text = piece.substr(0, static_cast<const char*>(lf) - piece.data());
    piece.remove_prefix(text.size() + 1);
    if (!text.empty() && text.back() == '\r') text.remove_suffix(1);
    out.append(text);
    out += "\r\n";
    at_line_start_ = true;
  }
}

}  // namespace mailsim::smtp
