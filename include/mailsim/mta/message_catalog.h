// The run's record of which message is which: numbers messages from 1 as they enter the
// system and finds a message again by its Message-ID when a hop receives it. One per
// world (never global); the simulator's bookkeeping, not something an MTA could know.
// It knows a message only while a copy of it is held somewhere (an MTA's queue, a
// client's outbox): when the last copy goes, nothing can happen to the message any more,
// so the catalog forgets it and emits message_finished, and its memory stays in
// proportion to the mail in flight, not to the mail run. Not thread-safe.
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "mailsim/core/flat_hash.h"
#include "mailsim/mta/events.h"

namespace mailsim::mta {

class MessageCatalog {
 public:
  MessageCatalog() = default;
  // Not copyable: a live entry points at its key in this catalog's own map.
  MessageCatalog(const MessageCatalog&) = delete;
  MessageCatalog& operator=(const MessageCatalog&) = delete;
  MessageCatalog(MessageCatalog&&) = default;
  MessageCatalog& operator=(MessageCatalog&&) = default;

  // Numbers a new message (created.msg) and emits message_created. Its creator then holds
  // it (hold()) before anything else happens to it. Takes created.message_id (moved from);
  // the rest is left as it was: a caller may take its addresses back instead of copying
  // them first.
  MessageNumber add(MessageCreated& created, MailEvents& events);
  MessageNumber add(MessageCreated&& created, MailEvents& events) { return add(created, events); }
  // A message held now, by its Message-ID (without <>); nullopt for one never added, or
  // finished. Two held messages with one Message-ID: the first added.
  std::optional<MessageNumber> find(std::string_view message_id) const;
  MessageNumber count() const { return last_; }

  // A copy of message `msg` is now kept by one more holder (an MTA's queue entry, a
  // client's outbox). REQUIRES: msg was added and has not finished.
  void hold(MessageNumber msg);
  // One holder let its copy go (delivered, bounced, expired or relayed: the next hop holds
  // it then). When that was the last, the message is finished: the catalog forgets it and
  // emits message_finished. Every event about the message must come before that: the
  // bounces it caused are created, its attempts and finals reported.
  // REQUIRES: a hold(msg) not yet released.
  void release(MessageNumber msg, Time at, MailEvents& events);

  // Messages added and not finished: those held somewhere now, and those not held yet.
  std::size_t live() const { return live_.size(); }

 private:
  struct Live {
    // Its key in by_message_id_ (a node's: it stays put); null: none, or the Message-ID
    // was another live message's.
    const std::string* message_id = nullptr;
    std::size_t holds = 0;
  };

  std::unordered_map<std::string, MessageNumber, TextHash, std::equal_to<>> by_message_id_;
  // Found by number, never walked: a flat table, with no node to allocate per message.
  FlatMap<MessageNumber, Live> live_;
  MessageNumber last_ = 0;
};

}  // namespace mailsim::mta
