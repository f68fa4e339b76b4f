#include "mailsim/smtp/line_reader.h"

namespace mailsim::smtp {
namespace {

// Below this the consumed prefix is left in place; erasing it costs a copy.
constexpr std::size_t kCompactThreshold = 4096;

}  // namespace

// Consumed lines are dropped lazily, at the next call, so that a LineView stays valid until
// then.
void LineReader::feed(std::string_view bytes) {
  compact();
  buffer_.append(bytes);
}

std::optional<Line> LineReader::next(std::size_t max_octets) {
  const std::optional<LineView> view = next_view(max_octets);
  if (!view) return std::nullopt;
  return Line{std::string(view->text), view->too_long};
}

std::optional<LineView> LineReader::next_view(std::size_t max_octets) {
  compact();
  const std::size_t end = buffer_.find('\n', scanned_);
  if (end == std::string::npos) {
    scanned_ = buffer_.size();
    if (!discarding_ && buffer_.size() - start_ >= max_octets) discarding_ = true;
    if (discarding_) buffer_.erase(start_);
    scanned_ = buffer_.size();
    compact();
    return std::nullopt;
  }
  LineView line;
  const std::size_t octets = end + 1 - start_;
  if (discarding_ || octets > max_octets) {
    line.too_long = true;
    discarding_ = false;
  } else {
    std::size_t length = end - start_;
    if (length > 0 && buffer_[end - 1] == '\r') --length;
    line.text = std::string_view(buffer_).substr(start_, length);
  }
  start_ = end + 1;
  scanned_ = start_;
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
