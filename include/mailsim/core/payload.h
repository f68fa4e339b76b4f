// What a simulated channel carries: real bytes and virtual spans, the way an ns-3 Packet
// made with only a size carries a payload nobody materialises. A virtual span stands for
// octets [offset, offset + length) of a content its producer can regenerate on demand
// (VirtualContent::fill); a carrier only counts them, and a consumer that knows the
// content (smtp's synthetic filler) may account for them without looking at bytes. Lives
// in core because both net (which carries it) and smtp (which makes and reads it) use it.
// A value; no I/O.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace mailsim {

struct VirtualContent {
  // Appends octets [offset, offset + length) of the content `size` octets long that `key`
  // names. REQUIRES: 0 <= offset, offset + length <= size.
  using Fill = void (*)(std::string& out, std::uint64_t key, std::int64_t size, std::int64_t offset,
                        std::int64_t length);
  Fill fill = nullptr;
  std::uint64_t key = 0;
  std::int64_t size = 0;  // octets

  friend bool operator==(const VirtualContent&, const VirtualContent&) = default;
};

struct VirtualSpan {
  VirtualContent content;
  std::int64_t offset = 0;  // in the content
  std::int64_t length = 0;  // octets

  void append_to(std::string& out) const {
    content.fill(out, content.key, content.size, offset, length);
  }
};

class Payload {
 public:
  Payload() = default;
  explicit Payload(std::string bytes) : bytes_(std::move(bytes)) {}

  // Octets in all: the real ones and those the virtual spans stand for.
  std::int64_t size() const { return std::ssize(bytes_) + virtual_octets_; }
  bool empty() const { return size() == 0; }
  bool has_virtual() const { return !spans_.empty(); }

  void append(std::string_view bytes) { bytes_.append(bytes); }
  // A span that continues the last one (same content, next offset, nothing real between)
  // lengthens it. Empty spans are dropped.
  void append(const VirtualSpan& span);
  void append(Payload&& other);
  // The real bytes after everything so far, for a producer to append to in place.
  std::string& tail_bytes() { return bytes_; }
  void reserve_bytes(std::size_t octets) { bytes_.reserve(octets); }
  // Everything so far, moved out with the real bytes in a string of exactly their size
  // (a copy); this payload is left empty but keeps its byte capacity, for a producer that
  // appends to it again rather than growing a new string.
  Payload take_fitted();

  // Calls real(std::string_view) and span(const VirtualSpan&) for the parts in order
  // (empty real parts skipped).
  template <class Real, class Span>
  void for_each(Real&& real, Span&& span) const {
    std::size_t at = 0;
    for (const Placed& p : spans_) {
      if (p.at > at) real(std::string_view(bytes_).substr(at, p.at - at));
      at = p.at;
      span(p.span);
    }
    if (at < bytes_.size()) real(std::string_view(bytes_).substr(at));
  }

  // Every octet, the virtual ones generated.
  std::string materialise() const&;
  std::string materialise() &&;

 private:
  struct Placed {
    std::size_t at;  // the span goes before bytes_[at]
    VirtualSpan span;
  };

  std::string bytes_;
  std::vector<Placed> spans_;
  std::int64_t virtual_octets_ = 0;
};

}  // namespace mailsim
