#include "mailsim/core/payload.h"

namespace mailsim {

void Payload::append(const VirtualSpan& span) {
  if (span.length <= 0) return;
  virtual_octets_ += span.length;
  if (!spans_.empty()) {
    VirtualSpan& last = spans_.back().span;
    if (spans_.back().at == bytes_.size() && last.content == span.content &&
        last.offset + last.length == span.offset) {
      last.length += span.length;
      return;
    }
  }
  spans_.push_back({bytes_.size(), span});
}

void Payload::append(Payload&& other) {
  std::size_t at = 0;
  for (const Placed& p : other.spans_) {
    bytes_.append(other.bytes_, at, p.at - at);
    at = p.at;
    append(p.span);
  }
  bytes_.append(other.bytes_, at);
}

Payload Payload::take_fitted() {
  Payload out(std::string(bytes_.data(), bytes_.size()));
  out.spans_.swap(spans_);  // out's are empty: this is left with none
  out.virtual_octets_ = std::exchange(virtual_octets_, 0);
  bytes_.clear();
  return out;
}

std::string Payload::materialise() const& {
  std::string out;
  out.reserve(static_cast<std::size_t>(size()));
  for_each([&](std::string_view bytes) { out.append(bytes); },
           [&](const VirtualSpan& span) { span.append_to(out); });
  return out;
}

std::string Payload::materialise() && {
  if (spans_.empty()) return std::move(bytes_);
  return static_cast<const Payload&>(*this).materialise();
}

}  // namespace mailsim
