#include "mailsim/workload/workload.h"

#include <algorithm>
#include <cstdint>
#include <memory>
#include <utility>

#include "mailsim/core/random.h"
#include "mailsim/smtp/headers.h"

namespace mailsim::workload {

namespace {

// The same filler for the same Message-ID, whatever else the run does.
std::uint64_t body_seed(const std::string& message_id) {
  return RandomStream(0, 0, "workload:body:" + message_id).next_u64();
}

}  // namespace

smtp::SharedMessage compose(const ExplicitMessage& m, const ComposeInfo& info) {
  std::string to;
  for (const auto& r : m.recipients) to += (to.empty() ? "" : ", ") + r;
  std::string header = "From: <" + m.sender + ">\r\nTo: " + to + "\r\nSubject: " + m.subject +
                       "\r\nDate: " + smtp::format_rfc5322_date(info.unix_seconds) +
                       "\r\nMessage-ID: <" + info.message_id + ">\r\nMIME-Version: 1.0\r\n" +
                       "Content-Type: text/plain; charset=us-ascii\r\n";
  // The empty line after the header counts towards the size.
  const std::int64_t body = std::max<std::int64_t>(0, m.size_bytes - std::ssize(header) - 2);
  return std::make_shared<const smtp::Message>(
      std::move(header), smtp::MessageBody::synthetic(body, body_seed(info.message_id)));
}

std::string compose_message(const ExplicitMessage& m, const ComposeInfo& info) {
  return compose(m, info)->text();
}

void schedule_messages(Simulator& sim, const std::vector<ExplicitMessage>& messages,
                       Submit submit) {
  auto shared = std::make_shared<Submit>(std::move(submit));
  for (std::size_t i = 0; i < messages.size(); ++i) {
    sim.schedule_at(messages[i].at, [shared, &m = messages[i], i] { (*shared)(m, i + 1); });
  }
}

}  // namespace mailsim::workload
