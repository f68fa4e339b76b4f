// SMTP replies (RFC 5321 4.2) with their enhanced status codes (RFC 2034, RFC 3463):
// the value type both session directions exchange, its wire form, and an incremental
// parser for what a server sends. Pure values, no I/O.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mailsim/smtp/line_reader.h"

namespace mailsim::smtp {

struct Reply {
  int code = 0;                    // three digits, e.g. 250
  std::string enhanced;            // "2.1.0", or empty when the reply has none
  std::vector<std::string> lines;  // text of each line, without code or enhanced code

  // "250-first\r\n250 2.1.0 last\r\n": the enhanced code is repeated on each line, as
  // Postfix does.
  std::string wire() const;
  // Appends wire() to `out`; with `printable_only`, each octet of the lines' text outside
  // printable ASCII goes out as '?'.
  void append_wire(std::string& out, bool printable_only = false) const;
  // One line for people and logs: "2.1.0 Ok: queued as 4F3A" (enhanced code, then the
  // lines joined by spaces).
  std::string text() const;

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
// syntax the parser is malformed() for good: the stream can no longer be trusted.
class ReplyParser {
 public:
  // `keep_raw`: raw_lines() holds the lines as received; false saves a copy of each line
  // for a caller that keeps no transcript (raw_lines() is then always empty).
  explicit ReplyParser(bool keep_raw = true) : keep_raw_(keep_raw) {}

  void feed(std::string_view bytes);
  // The next complete reply, or nullopt when more bytes are needed or the stream is
  // malformed.
  std::optional<Reply> next();
  // The same into `reply`, whose storage is reused (the client's hot path); false, with
  // `reply` unspecified, when next() would give nullopt.
  bool next(Reply& reply);
  // The same for what was fed before and then `bytes`, whose whole lines are read in place
  // rather than copied into the reader first (a client's receive path): the bytes read are
  // removed from `bytes`. Once it returns false, `bytes` is empty (a partial line waits in
  // the reader for the next call), unless the stream is malformed().
  bool next(std::string_view& bytes, Reply& reply);
  bool malformed() const { return malformed_; }
  // The lines as received (without line ends) of the reply next() last returned; after
  // malformed(), those of the broken reply, ending with the offending line.
  const std::vector<std::string>& raw_lines() const { return raw_; }

 private:
  // The next line of what was fed and then `bytes`, as next(bytes, reply) takes them.
  std::optional<LineView> next_line(std::string_view& bytes);
  bool take_line(const LineView& line);  // false when the line is malformed

  LineReader reader_;
  bool keep_raw_ = true;
  // The reply being read. Its first `line_count_` lines are this reply's; those past them
  // are left from an earlier reply, kept so that their storage is reused, and dropped
  // when the reply is complete.
  Reply partial_;
  std::size_t line_count_ = 0;
  bool in_reply_ = false;
  bool complete_ = false;
  bool malformed_ = false;
  std::vector<std::string> raw_;
};

}  // namespace mailsim::smtp
