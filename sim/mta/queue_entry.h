// One message in an MTA's queue, as the queue manager (mta.cc) and its retry bookkeeping
// (retry_queue.cc) see it. Private to the mta layer.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "mailsim/core/simulator.h"
#include "mailsim/mta/events.h"
#include "mailsim/mta/retry.h"
#include "mailsim/smtp/reply.h"

namespace mailsim::mta {

enum class EntryState { kIncoming, kActive, kDeferred };

struct QueuedRecipient {
  std::string address;
  bool done = false;
  smtp::Reply last_reply;
  Time due;                                    // when the retry law next allows an attempt
  bool in_attempt = false;                     // part of the attempt in progress
  std::string nexthop;                         // where that attempt went (Exim's retry keys)
  FailureScope failure = FailureScope::kHost;  // what its last temporary failure was
};

// A message with the recipients it still has to move on.
struct QueueEntry {
  std::string queue_id;
  MessageNumber msg = 0;
  std::string sender;
  std::string data;
  Time arrival;
  EntryState state = EntryState::kIncoming;
  std::vector<QueuedRecipient> rcpts;
  int deliveries_in_flight = 0;
  Time attempt_started;
  // Retry records by key (retry_record_key). Exim's "T:host" records are per message here;
  // a store shared by all messages of the MTA can take them over.
  std::map<std::string, RetryRecord> retry_records;
  int warnings_sent = 0;
  EventId wakeup;  // the next activation
};

}  // namespace mailsim::mta
