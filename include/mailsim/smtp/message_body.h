// A message as it is queued and sent: its header text and a body that is either real text
// or synthetic filler of a given size. A synthetic body is generated piece by piece while
// it is read, so a 10 MB message costs little more than its header; queued copies share
// one immutable Message through SharedMessage, and copies of a body share its text.
// DataStream reads a message the way it goes on the wire after DATA; over a simulated
// connection the filler goes as a virtual span (core/payload.h) that the next server takes
// back as a synthetic body without generating it. Values only; no I/O.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "mailsim/core/payload.h"

namespace mailsim::smtp {

class MessageBody {
 public:
  MessageBody() = default;  // empty
  explicit MessageBody(std::string text);
  // `octets` of filler text in lines of at most 78 characters and CRLF, the same for the
  // same seed. One octet cannot hold a line, so 1 is taken as 2. REQUIRES: octets >= 0.
  static MessageBody synthetic(std::int64_t octets, std::uint64_t seed);

  std::int64_t size() const {
    return synthetic_ ? synthetic_size_ : text_ ? std::ssize(*text_) : 0;
  }
  bool is_synthetic() const { return synthetic_; }
  // Appends octets [offset, offset + length) of the body, clipped to size(), to `out`.
  void append_to(std::string& out, std::int64_t offset, std::int64_t length) const;

  // A synthetic body as the content of virtual spans. REQUIRES: is_synthetic().
  VirtualContent filler() const;
  // True when `content` is a synthetic body's filler(): its lines then hold at most 78
  // characters, none starts with ".", and each ends with CRLF (no lone CR or LF).
  static bool is_filler(const VirtualContent& content);
  // The synthetic body that filler() gave `content`. REQUIRES: is_filler(content).
  static MessageBody of_filler(const VirtualContent& content);
  // Whether octet `offset` of the filler `content` starts a line (offset == size() too).
  // REQUIRES: is_filler(content).
  static bool filler_line_starts_at(const VirtualContent& content, std::int64_t offset);

 private:
  std::shared_ptr<const std::string> text_;  // null: empty
  bool synthetic_ = false;
  std::int64_t synthetic_size_ = 0;
  std::uint64_t seed_ = 0;
};

class Message {
 public:
  // `text`: a whole message, header fields, an empty line and the body, as given (CRLF
  // line ends expected; kept byte for byte).
  explicit Message(std::string text);
  // `header`: the header fields, each ending in CRLF. The empty line that separates them
  // from the body is added here.
  Message(std::string header, MessageBody body);

  std::int64_t size() const { return std::ssize(head_) + body_.size(); }  // octets, unstuffed
  std::string_view header() const { return std::string_view(head_).substr(0, header_size_); }
  // The header and the empty line after it, if there is one: all that precedes body().
  std::string_view head() const { return head_; }
  const MessageBody& body() const { return body_; }
  // Appends octets [offset, offset + length) of the message, clipped to size(), to `out`.
  void append_to(std::string& out, std::int64_t offset, std::int64_t length) const;
  // The whole message at once: for small messages, tests, and copies a DSN returns.
  std::string text() const;

 private:
  std::string head_;  // the header fields and the empty line after them, if there is one
  std::size_t header_size_ = 0;
  MessageBody body_;
};

using SharedMessage = std::shared_ptr<const Message>;

// A message as it goes on the wire after DATA (RFC 5321 4.5.2), read in pieces: a leading
// "." doubled, every line ended by CRLF, a last line without one given it; the same bytes
// as dot_stuff() of the whole text, without the final ".".
class DataStream {
 public:
  explicit DataStream(SharedMessage message);

  // Reads up to `octets` more octets of the message and appends their wire form to `out`
  // (at most 2 * octets + 2 bytes). REQUIRES: octets > 0.
  void read(std::string& out, std::int64_t octets);
  // The same, with a synthetic body's filler appended as a virtual span: the same octets
  // once materialised.
  void read(Payload& out, std::int64_t octets);
  bool finished() const { return finished_; }

 private:
  void finish_if_done(std::string& out);
  void stuff(std::string_view piece, std::string& out);
  void read_filler(std::string& out, std::int64_t octets);

  SharedMessage message_;
  std::int64_t offset_ = 0;
  bool at_line_start_ = true;
  bool pending_cr_ = false;  // a CR that ends the line if LF follows
  bool finished_ = false;
  std::string piece_;
};

}  // namespace mailsim::smtp
