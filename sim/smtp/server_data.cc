// The half of ServerSession that reads message data after 354 (RFC 5321 4.5.2): lines are
// unstuffed and gathered up to the final "." against the size limit, then the message goes
// to the policy.
#include <utility>

#include "mailsim/smtp/headers.h"
#include "mailsim/smtp/server_session.h"
#include "mailsim/smtp/transparency.h"

namespace mailsim::smtp {

// The lines that make up most data (a header, a body) need nothing of process_data_line()
// but to be added as they came: they are added at once. Adding the run at once gives what
// adding its lines one by one would: the limit is passed by the run exactly when it is
// passed by one of its lines, and a line over line_limit() passes it too.
bool ServerSession::take_data_lines(std::string_view& bytes) {
  const PlainLines run = scan_plain_lines(bytes);
  if (run.end == 0) return false;
  if (filler_) flatten_filler();  // it ends a line: these follow it
  if (!data_too_big_ && data_.size() + run.end > data_limit()) {
    data_too_big_ = true;
    data_ = {};  // keep reading to the final "." but hold nothing
  }
  if (!data_too_big_) {
    if (empty_line_end_ == std::string_view::npos && run.empty_line_end != std::string_view::npos) {
      empty_line_end_ = data_.size() + run.empty_line_end;
    }
    data_.append(bytes.substr(0, run.end));
  }
  bytes.remove_prefix(run.end);
  return true;
}

// data_ is whole lines, each added at a line start: its first empty line is the first
// found in what is added.
void ServerSession::note_empty_line(std::size_t from) {
  if (empty_line_end_ != std::string_view::npos) return;
  const std::string_view added = std::string_view(data_).substr(from);
  const std::size_t header = split_message(added).header.size();
  if (header == added.size()) return;  // no empty line
  empty_line_end_ = from + header + (added[header] == '\r' ? 2 : 1);
}

void ServerSession::process_data_line(const LineView& line) {
  if (!line.too_long && line.text == ".") return finish_data();
  if (filler_) flatten_filler();  // it ends a line: this one follows it
  if (data_too_big_) return;
  const std::string_view text = dot_unstuff_line(line.text);
  if (line.too_long || data_.size() + text.size() + 2 > data_limit()) {
    data_too_big_ = true;
    data_ = {};  // keep reading to the final "." but hold nothing
    return;
  }
  data_ += text;
  data_ += "\r\n";
  if (text.empty() && empty_line_end_ == std::string_view::npos) empty_line_end_ = data_.size();
}

void ServerSession::finish_data() {
  in_data_ = false;
  if (data_too_big_) {
    reset_transaction();
    return send(552, "5.3.4", "Message size exceeds fixed limit");
  }
  if (SharedMessage message = take_synthetic_message()) {
    return settle(policy_.on_synthetic_message(info_, std::move(envelope_), std::move(message)),
                  &ServerSession::complete_message);
  }
  settle(policy_.on_message(info_, std::move(envelope_), std::exchange(data_, {})),
         &ServerSession::complete_message);
}

}  // namespace mailsim::smtp
