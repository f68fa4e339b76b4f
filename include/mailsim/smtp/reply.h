// SMTP replies (RFC 5321 4.2) with their enhanced status codes (RFC 2034, RFC 3463):
// the value type both session directions exchange, its wire form, and an incremental
// parser for what a server sends. Pure values, no I/O.
#pragma once

#include <cstddef>
#include <initializer_list>
#include <iterator>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mailsim/smtp/line_reader.h"

namespace mailsim::smtp {

// The text lines of a reply, held as one string with a '\n' between lines rather than a
// string each: a reply is made, parsed, copied and written many times a session, and one
// buffer is one allocation at most (none for short text). Lines are read as string_views
// into it, valid while the ReplyLines is unchanged. A line never holds a '\n' (the wire
// ends lines there; make_reply() splits its text there).
class ReplyLines {
 public:
  class const_iterator {
   public:
    using iterator_category = std::forward_iterator_tag;
    using value_type = std::string_view;
    using difference_type = std::ptrdiff_t;
    using pointer = void;
    using reference = std::string_view;

    const_iterator() = default;
    std::string_view operator*() const { return {at_, length_}; }
    const_iterator& operator++();
    const_iterator operator++(int) {
      const_iterator before = *this;
      ++*this;
      return before;
    }
    // Iterators of one ReplyLines: they are equal when as many lines are left.
    friend bool operator==(const const_iterator& a, const const_iterator& b) {
      return a.left_ == b.left_;
    }

   private:
    friend class ReplyLines;
    const_iterator(std::string_view text, std::size_t left);
    void measure();  // length_ of the line at at_

    const char* at_ = nullptr;
    const char* end_ = nullptr;
    std::size_t length_ = 0;
    std::size_t left_ = 0;  // lines from at_ on
  };
  using iterator = const_iterator;
  using value_type = std::string_view;
  using size_type = std::size_t;

  ReplyLines() = default;
  ReplyLines(std::initializer_list<std::string_view> lines);

  std::size_t size() const { return count_; }
  bool empty() const { return count_ == 0; }
  const_iterator begin() const { return {text_, count_}; }
  const_iterator end() const { return {{}, 0}; }
  // The first and last lines, or "" when there is none.
  std::string_view front() const { return *begin(); }
  std::string_view back() const;
  std::string_view operator[](std::size_t index) const;  // scans from the first line

  // A '\n' in `line` starts another line (the text and the count stay in step).
  void push_back(std::string_view line);
  void emplace_back(std::string_view line) { push_back(line); }
  // Room for `octets` of text without growing (the lines, with a '\n' between two).
  void reserve(std::size_t octets) { text_.reserve(octets); }
  // No lines; the buffer keeps its capacity.
  void clear() {
    text_.clear();
    count_ = 0;
  }
  // Every line, with a '\n' between two (so "" for no lines and for one empty line).
  const std::string& joined() const { return text_; }
  // Appends each line to `out`, with a space before it unless `out` is still empty.
  void append_spaced(std::string& out) const;

  friend bool operator==(const ReplyLines&, const ReplyLines&) = default;

 private:
  friend class ReplyParser;
  // push_back() for a line known to hold no '\n' (one read off the wire), without looking.
  void append_line(std::string_view line) {
    if (count_++ > 0) text_ += '\n';
    text_ += line;
  }

  std::string text_;
  std::size_t count_ = 0;
};

struct Reply {
  int code = 0;          // three digits, e.g. 250
  std::string enhanced;  // "2.1.0", or empty when the reply has none
  ReplyLines lines;      // text of each line, without code or enhanced code

  // "250-first\r\n250 2.1.0 last\r\n": the enhanced code is repeated on each line, as
  // Postfix does.
  std::string wire() const;
  // Appends wire() to `out`; with `printable_only`, each octet of the lines' text outside
  // printable ASCII goes out as '?'.
  void append_wire(std::string& out, bool printable_only = false) const;
  // One line for people and logs: "2.1.0 Ok: queued as 4F3A" (enhanced code, then the
  // lines joined by spaces).
  std::string text() const;
  // The lines alone, joined by spaces: "Ok: queued as 4F3A".
  std::string plain_text() const;

  bool is_positive() const { return code / 100 == 2; }
  bool is_intermediate() const { return code / 100 == 3; }
  bool is_transient() const { return code / 100 == 4; }
  bool is_permanent() const { return code / 100 == 5; }

  friend bool operator==(const Reply&, const Reply&) = default;
};

// `text` is split at '\n' into lines, so one call can make a multi-line reply.
Reply make_reply(int code, std::string enhanced, std::string_view text);
// Appends make_reply(code, enhanced, text)'s wire form to `out`, as Reply::append_wire()
// does, without building the Reply: for replies a session makes up itself.
void append_reply_wire(std::string& out, int code, std::string_view enhanced, std::string_view text,
                       bool printable_only = false);

// Reads replies from a server's byte stream, in any split. Once a line breaks the reply
// syntax the parser is malformed() for good: the stream can no longer be trusted. A parser
// that keeps no raw lines takes a payload that is a whole reply it read before, byte for
// byte, from a per-thread memo (ReplyMemo) rather than reading its lines again.
class ReplyParser {
 public:
  // `keep_raw`: raw_lines() holds the lines as received; false saves a copy of each line
  // for a caller that keeps no transcript (raw_lines() is then always empty).
  explicit ReplyParser(bool keep_raw = true) : keep_raw_(keep_raw) {
    reply_.lines.reserve(kReplyReserve);
  }
  // The text of most replies fits (an EHLO reply's keywords too), so the parser's reply
  // buffer grows at most rarely.
  static constexpr std::size_t kReplyReserve = 128;

  void feed(std::string_view bytes);
  // The next complete reply, or nullopt when more bytes are needed or the stream is
  // malformed.
  std::optional<Reply> next();
  // The same for what was fed before and then `bytes`, whose whole lines are read in place
  // rather than copied into the reader first (a client's receive path): the bytes read are
  // removed from `bytes`. The reply is the parser's own, valid until the next call of
  // feed() or next(), so that a caller that only reads it copies nothing; nullptr when
  // next() would give nullopt. Once it gives nullptr, `bytes` is empty (a partial line
  // waits in the reader for the next call), unless the stream is malformed().
  const Reply* next(std::string_view& bytes);
  bool malformed() const { return malformed_; }
  // The lines as received (without line ends) of the reply next() last returned; after
  // malformed(), those of the broken reply, ending with the offending line.
  const std::vector<std::string>& raw_lines() const { return raw_; }

 private:
  // next(bytes) without the memo of whole replies (ReplyMemo): every line read.
  const Reply* read(std::string_view& bytes);
  // next(bytes) for a parser holding nothing, keeping no raw lines, given what may be a
  // whole reply: taken from the memo when it was read before.
  const Reply* read_remembered(std::string_view& bytes);
  // The next line of what was fed and then `bytes` when LineReader::take_line() gave none.
  std::optional<LineView> next_buffered_line(std::string_view& bytes);
  enum class LineKind { kMore, kLast, kMalformed };
  LineKind take_line(std::string_view line);  // one line of the reply being read

  LineReader reader_;
  bool keep_raw_ = true;
  // The reply being read, or the one next(bytes) gave last until the next line comes: a
  // reply started anew overwrites the one before in the same storage.
  Reply reply_;
  bool in_reply_ = false;
  bool malformed_ = false;
  std::vector<std::string> raw_;
};

}  // namespace mailsim::smtp
