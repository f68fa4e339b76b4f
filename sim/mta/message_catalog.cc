#include "mailsim/mta/message_catalog.h"

#include <cassert>
#include <utility>

namespace mailsim::mta {

MessageNumber MessageCatalog::add(MessageCreated& created, MailEvents& events) {
  created.msg = ++last_;
  live_.try_emplace(created.msg);  // live() counts it during the event
  events.message_created(created);
  // After the event, which reads it: the key is the caller's string, not a copy.
  if (!created.message_id.empty()) {
    const auto [it, added] = by_message_id_.try_emplace(std::move(created.message_id), created.msg);
    if (added) live_.find(created.msg).value().message_id = &it->first;
  }
  return created.msg;
}

std::optional<MessageNumber> MessageCatalog::find(std::string_view message_id) const {
  const auto it = by_message_id_.find(message_id);
  if (it == by_message_id_.end()) return std::nullopt;
  return it->second;
}

void MessageCatalog::hold(MessageNumber msg) {
  const auto it = live_.find(msg);
  assert(it != live_.end() && "hold() of a message not added, or finished");
  if (it != live_.end()) ++it.value().holds;
}

void MessageCatalog::release(MessageNumber msg, Time at, MailEvents& events) {
  const auto it = live_.find(msg);
  assert(it != live_.end() && it->second.holds > 0 && "release() without a hold()");
  if (it == live_.end() || it->second.holds == 0 || --it.value().holds > 0) return;
  if (it->second.message_id != nullptr) {
    by_message_id_.erase(by_message_id_.find(*it->second.message_id));
  }
  live_.erase(it);
  events.message_finished({msg, at});
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
