#include "mailsim/workload/workload.h"

#include <utility>

#include "mailsim/smtp/headers.h"

namespace mailsim::workload {

std::string compose_message(const ExplicitMessage& m, const ComposeInfo& info) {
  std::string to;
  for (const auto& r : m.recipients) to += (to.empty() ? "" : ", ") + r;
  std::string data = "From: <" + m.sender + ">\r\nTo: " + to + "\r\nSubject: " + m.subject +
                     "\r\nDate: " + smtp::format_rfc5322_date(info.unix_seconds) +
                     "\r\nMessage-ID: <" + info.message_id + ">\r\nMIME-Version: 1.0\r\n" +
                     "Content-Type: text/plain; charset=us-ascii\r\n\r\n";
  // Body: numbered 76-character lines, the last one shortened to hit the size exactly.
  static constexpr std::string_view kFiller =
      "The quick brown fox jumps over the lazy dog while the mail queue drains. ";
  for (int line = 1; static_cast<std::int64_t>(data.size()) + 2 < m.size_bytes; ++line) {
    std::string text = std::to_string(line) + " " + std::string(kFiller);
    text.resize(76, '.');
    const auto room =
        static_cast<std::size_t>(m.size_bytes - static_cast<std::int64_t>(data.size()) - 2);
    if (text.size() > room) text.resize(room);
    data += text + "\r\n";
  }
  return data;
}

void schedule_messages(Simulator& sim, const std::vector<ExplicitMessage>& messages,
                       Submit submit) {
  auto shared = std::make_shared<Submit>(std::move(submit));
  for (std::size_t i = 0; i < messages.size(); ++i) {
    sim.schedule_at(messages[i].at, [shared, &m = messages[i], i] { (*shared)(m, i + 1); });
  }
}

}  // namespace mailsim::workload
