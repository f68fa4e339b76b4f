// The run's record of which message is which: numbers messages from 1 as they enter the
// system and finds a message again by its Message-ID when a hop receives it. One per
// world (never global); the simulator's bookkeeping, not something an MTA could know.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "mailsim/mta/events.h"

namespace mailsim::mta {

class MessageCatalog {
 public:
  // Numbers a new message and emits message_created.
  MessageNumber add(MessageCreated created, MailEvents& events);
  std::optional<MessageNumber> find(std::string_view message_id) const;
  MessageNumber count() const { return last_; }

 private:
  std::map<std::string, MessageNumber, std::less<>> by_message_id_;
  MessageNumber last_ = 0;
};

}  // namespace mailsim::mta
