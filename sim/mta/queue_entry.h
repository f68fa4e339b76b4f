// One message in an MTA's queue, as the queue manager (mta.cc), its retry bookkeeping
// (retry_queue.cc) and its notifications (notify.cc) see it. The message text is shared:
// every attempt reads the one copy this MTA holds. Private to the mta layer.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mailsim/core/simulator.h"
#include "mailsim/mta/events.h"
#include "mailsim/mta/retry.h"
#include "mailsim/smtp/dsn.h"
#include "mailsim/smtp/envelope.h"
#include "mailsim/smtp/message_body.h"
#include "mailsim/smtp/reply.h"

namespace mailsim::mta {

enum class EntryState { kIncoming, kActive, kDeferred };

// The fields every activation reads come first, beside the address.
struct QueuedRecipient {
  std::string address;
  bool done = false;
  bool in_attempt = false;                     // part of the attempt in progress
  FailureScope failure = FailureScope::kHost;  // what its last temporary failure was
  bool not_tried = false;  // its last deferral came before any connect (host retry time)
  Time due;                // when the retry law next allows an attempt
  // Where the last attempt went (Exim's retry keys): the router's name for the next hop,
  // which lives as long as the MTA; empty after a failed MX lookup, whose key is the domain
  // in `address` (a view of it here would point into this object when the string is short).
  std::string_view nexthop;
  smtp::RecipientOptions options;  // NOTIFY and ORCPT, passed on to the next hop
  smtp::Reply last_reply;
  std::string remote_mta;            // the host that sent last_reply; "": this MTA's own
  std::optional<Time> last_attempt;  // when an attempt (or routing) last decided it
};

// An entry's key in its MTA's queue: the n-th message queued there, from 1. Its queue id
// (queue_id) is spelled from it; the queue manager's handlers carry the number, which
// std::function holds without allocating.
using QueueNumber = std::uint64_t;

// A message with the recipients it still has to move on. The fields each step of a pass
// reads come first: with the hash node's own, they fill its first two cache lines.
struct QueueEntry {
  QueueNumber number = 0;
  MessageNumber msg = 0;
  EntryState state = EntryState::kIncoming;
  Time arrival;
  EventId wakeup;  // the next activation
  std::vector<QueuedRecipient> rcpts;
  int deliveries_in_flight = 0;
  Time attempt_started;
  std::string queue_id;
  // MAIL FROM and its parameters (BODY, RET, ENVID); the recipients are in `rcpts`, so
  // rcpt_to stays empty. An empty mail_from is the null sender: a bounce or a warning.
  smtp::Envelope envelope;
  smtp::SharedMessage message;
  // Retry records by key (retry_record_key). Exim's "T:host" records are per message here;
  // a store shared by all messages of the MTA can take them over.
  std::map<std::string, RetryRecord> retry_records;
  int warnings_sent = 0;
  // Recipients that failed in the current pass and asked for a FAILURE notice: one bounce
  // lists them all when the pass ends.
  std::vector<smtp::DsnRecipient> failed;
};

}  // namespace mailsim::mta
