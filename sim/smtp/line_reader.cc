#include "mailsim/smtp/line_reader.h"

namespace mailsim::smtp {
namespace {

// Below this the consumed prefix is left in place; erasing it costs a copy.
constexpr std::size_t kCompactThreshold = 4096;

}  // namespace

void LineReader::feed(std::string_view bytes) { buffer_.append(bytes); }

std::optional<Line> LineReader::next(std::size_t max_octets) {
  const std::size_t end = buffer_.find('\n', scanned_);
  if (end == std::string::npos) {
    scanned_ = buffer_.size();
    if (!discarding_ && buffer_.size() - start_ >= max_octets) discarding_ = true;
    if (discarding_) buffer_.erase(start_);
    scanned_ = buffer_.size();
    compact();
    return std::nullopt;
  }
  Line line;
  const std::size_t octets = end + 1 - start_;
  if (discarding_ || octets > max_octets) {
    line.too_long = true;
    discarding_ = false;
  } else {
    std::size_t length = end - start_;
    if (length > 0 && buffer_[end - 1] == '\r') --length;
    line.text = buffer_.substr(start_, length);
  }
  start_ = end + 1;
  scanned_ = start_;
  compact();
  return line;
}

void LineReader::compact() {
  if (start_ == buffer_.size()) {
    buffer_.clear();
  } else if (start_ < kCompactThreshold || start_ * 2 < buffer_.size()) {
    return;
  } else {
    buffer_.erase(0, start_);
  }
  scanned_ -= start_;
  start_ = 0;
}

}  // namespace mailsim::smtp
