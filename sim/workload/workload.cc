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
// The stream is named "workload:body:" + message_id; the prefix is hashed once.
std::uint64_t body_seed(std::string_view message_id) {
  static const StreamName kBodies("workload:body:");
  return RandomStream(0, 0, StreamName(kBodies, message_id)).next_u64();
}

}  // namespace

smtp::SharedMessage compose(const ExplicitMessage& m, const ComposeInfo& info) {
  std::size_t to_size = 0;
  for (const auto& r : m.recipients) to_size += r.size() + 2;
  std::string header;
  header.reserve(200 +  // more than the fixed text below (115 bytes) and the date (31)
                 m.sender.size() + to_size + m.subject.size() + info.message_id.size());
  header.append("From: <").append(m.sender).append(">\r\nTo: ");
  for (std::size_t i = 0; i < m.recipients.size(); ++i) {
    if (i > 0) header += ", ";
    header += m.recipients[i];
  }
  header.append("\r\nSubject: ").append(m.subject).append("\r\nDate: ");
  smtp::append_rfc5322_date(header, info.unix_seconds);
  header.append("\r\nMessage-ID: <").append(info.message_id).append(">\r\nMIME-Version: 1.0\r\n");
  header += "Content-Type: text/plain; charset=us-ascii\r\n";
  // The empty line after the header counts towards the size.
  const std::int64_t body = std::max<std::int64_t>(0, m.size_bytes - std::ssize(header) - 2);
  return std::make_shared<const smtp::Message>(
      std::move(header), smtp::MessageBody::synthetic(body, body_seed(info.message_id)));
}

std::string compose_message(const ExplicitMessage& m, const ComposeInfo& info) {
  return compose(m, info)->text();
}

Submission prepare_submission(const ExplicitMessage& m, std::string message_id,
                              std::int64_t unix_seconds) {
  Submission s{{m.sender, m.recipients}, nullptr, std::move(message_id)};
  if (m.notify != 0) s.envelope.rcpt_options.assign(m.recipients.size(), {m.notify, ""});
  s.envelope.ret = m.ret;
  s.message = compose(m, {s.message_id, unix_seconds});
  return s;
}

void schedule_messages(Simulator& sim, const std::vector<ExplicitMessage>& messages,
                       Submit submit) {
  auto shared = std::make_shared<Submit>(std::move(submit));
  for (std::size_t i = 0; i < messages.size(); ++i) {
    sim.schedule_at(messages[i].at, [shared, &m = messages[i], i] { (*shared)(m, i + 1); });
  }
}

}  // namespace mailsim::workload
