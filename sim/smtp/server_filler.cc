// The half of ServerSession that takes a synthetic body's filler as virtual spans in DATA:
// it counts the octets against the size limit and keeps their place, and generates them
// only when something real follows that it must be read with (flatten_filler).
#include <memory>
#include <utility>

#include "mailsim/smtp/headers.h"
#include "mailsim/smtp/server_session.h"

namespace mailsim::smtp {

void ServerSession::receive(const Payload& payload) {
  payload.for_each([this](std::string_view bytes) { receive(bytes); },
                   [this](const VirtualSpan& span) { receive(span); });
}

void ServerSession::receive(const VirtualSpan& span) {
  if (closed_ || take_filler(span)) return;
  std::string bytes;
  span.append_to(bytes);
  receive(bytes);
}

// A span is taken as it is where its bytes would have been read as whole data lines from a
// line start: in DATA, with nothing unread, and either continuing the filler taken so far
// or starting one at a line of its content.
bool ServerSession::take_filler(const VirtualSpan& span) {
  if (!in_data_ || awaiting_decision() || !reader_.holds_nothing() ||
      !MessageBody::is_filler(span.content)) {
    return false;
  }
  if (filler_) {
    if (filler_->content != span.content || filler_->end != span.offset) return false;
    filler_->end += span.length;
  } else {
    if (!MessageBody::filler_line_starts_at(span.content, span.offset)) return false;
    filler_ = FillerRun{span.content, span.offset, span.offset + span.length};
  }
  // The lines would have made the message too big by the time they are all read; once too
  // big it stays so, whatever follows.
  if (!data_too_big_ &&
      data_.size() + static_cast<std::size_t>(filler_->end - filler_->begin) > data_limit()) {
    data_too_big_ = true;
    data_ = {};
  }
  return true;
}

bool ServerSession::filler_ends_line() const {
  return MessageBody::filler_line_starts_at(filler_->content, filler_->end);
}

// The filler's whole lines join data_ as process_data_line() would have added them (no line
// of it needs unstuffing); a last partial line goes to the line reader, to be completed by
// what comes next.
void ServerSession::flatten_filler() {
  const FillerRun run = *std::exchange(filler_, std::nullopt);
  std::string bytes;
  VirtualSpan{run.content, run.begin, run.end - run.begin}.append_to(bytes);
  const std::size_t lines_end = bytes.rfind('\n') + 1;  // 0 when there is no line end
  if (!data_too_big_) {
    const std::size_t from = data_.size();
    data_.append(bytes, 0, lines_end);
    note_empty_line(from);
  }
  if (lines_end < bytes.size()) reader_.feed(std::string_view(bytes).substr(lines_end));
}

// At the end of the data: the message, when the filler taken is a whole synthetic body and
// data_ is the header and the empty line after it; the filler is otherwise added to data_.
SharedMessage ServerSession::take_synthetic_message() {
  if (!filler_) return nullptr;
  const bool whole_body = filler_->begin == 0 && filler_->end == filler_->content.size;
  // The first empty line is the last line, "\r\n" (one "\n" alone would follow a '\n').
  if (!whole_body || empty_line_end_ != data_.size() || !data_.ends_with("\r\n")) {
    flatten_filler();
    return nullptr;
  }
  const MessageBody body = MessageBody::of_filler(std::exchange(filler_, std::nullopt)->content);
  std::string header = std::exchange(data_, {});
  header.resize(header.size() - 2);
  return std::make_shared<const Message>(std::move(header), body);
}

std::size_t ServerSession::buffered_bytes() const {
  const std::size_t filler =
      filler_ && !data_too_big_ ? static_cast<std::size_t>(filler_->end - filler_->begin) : 0;
  return held_.size() + data_.size() + filler;
}

}  // namespace mailsim::smtp
