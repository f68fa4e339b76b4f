#include "mailsim/mta/message_catalog.h"

#include <utility>

namespace mailsim::mta {

MessageNumber MessageCatalog::add(MessageCreated created, MailEvents& events) {
  created.msg = ++last_;
  if (!created.message_id.empty()) by_message_id_.emplace(created.message_id, created.msg);
  events.message_created(created);
  return created.msg;
}

std::optional<MessageNumber> MessageCatalog::find(std::string_view message_id) const {
  const auto it = by_message_id_.find(message_id);
  if (it == by_message_id_.end()) return std::nullopt;
  return it->second;
}

const char* to_string(AttemptOutcome o) {
  switch (o) {
    case AttemptOutcome::kSent:
      return "sent";
    case AttemptOutcome::kDeferred:
      return "deferred";
    case AttemptOutcome::kRejected:
      return "rejected";
    case AttemptOutcome::kConnRefused:
      return "conn_refused";
    case AttemptOutcome::kConnTimeout:
      return "conn_timeout";
    case AttemptOutcome::kLost:
      return "lost";
  }
  return "?";
}

const char* to_string(FinalStatus s) {
  switch (s) {
    case FinalStatus::kDelivered:
      return "delivered";
    case FinalStatus::kBounced:
      return "bounced";
    case FinalStatus::kExpired:
      return "expired";
  }
  return "?";
}

const char* to_string(MessageKind k) {
  switch (k) {
    case MessageKind::kUser:
      return "user";
    case MessageKind::kBounce:
      return "bounce";
    case MessageKind::kWarning:
      return "warning";
  }
  return "?";
}

}  // namespace mailsim::mta
