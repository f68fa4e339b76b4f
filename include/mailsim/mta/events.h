// What the MTA layer tells observers (the recorder, tests), as plain values emitted through
// the Signals of one MailEvents hub shared by all MTAs of a world. Observers must not call
// back into the models. The events told once per hop and per recipient (MessageQueued,
// RecipientFinal) view their text, which lives only while observers are called: an
// observer copies what it keeps.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "mailsim/core/signal.h"
#include "mailsim/core/time.h"

namespace mailsim::mta {

using MessageNumber = std::uint64_t;  // the run's own number for a message, from 1

enum class MessageKind { kUser, kBounce, kWarning };

struct MessageCreated {
  MessageNumber msg = 0;
  std::string message_id;  // without <>
  std::string sender;
  std::vector<std::string> recipients;
  std::int64_t size_bytes = 0;
  std::string origin;  // the MTA it entered the system at
  Time at;
  MessageKind kind = MessageKind::kUser;
  MessageNumber about = 0;  // a bounce or warning: the message it reports on; else 0
  // User mail: how its sender submitted it, "local", "desktop" or "webmail"
  // (workload::ClientKind); empty when unknown (a real client from outside, a bounce).
  std::string client_kind;
};

// The message entered an MTA's queue (from a client, a previous hop or a local user).
struct MessageQueued {
  MessageNumber msg = 0;
  std::string_view node;       // the MTA's host
  std::string_view queue_id;   // the MTA's own id, as in "250 2.0.0 Ok: queued as ID"
  std::string_view from_node;  // the host it came from; empty for local submission
  Time at;
};

enum class AttemptOutcome { kSent, kDeferred, kRejected, kConnRefused, kConnTimeout, kLost };

enum class RecipientOutcome { kAccepted, kDeferred, kRejected };

struct AttemptRecipient {
  std::string rcpt;
  RecipientOutcome outcome = RecipientOutcome::kDeferred;
  int code = 0;
  std::string enhanced;
  std::string text;
};

struct TranscriptEntry {
  Time at;
  char direction = 'C';  // 'C' client to server, 'S' server to client
  std::string line;
};

// One SMTP delivery attempt from one MTA to the next hop.
struct AttemptFinished {
  MessageNumber msg = 0;
  std::string from_node;
  std::string to_node;  // the host tried
  Time started;
  Time ended;
  AttemptOutcome outcome = AttemptOutcome::kDeferred;
  int code = 0;  // the reply that decided the attempt (0 when no reply came)
  std::string enhanced;
  std::string text;
  std::int64_t bytes = 0;  // sent by the client
  std::vector<AttemptRecipient> recipients;
  std::vector<TranscriptEntry> transcript;
};

// A delivery turn deferred without connecting, as Postfix logs status=deferred for each
// recipient (reference §2): kind "suspended" (the next hop is dead: 451 4.4.1 delivery
// temporarily suspended: REASON), "dns" (the next hop's lookup failed for now: 451
// 4.4.3 ... try again), "retry_time" (Exim: the host's retry time has not come), "tcpto"
// (qmail: every host timed out twice) or "route_disabled" (OpenSMTPD: every host's route
// is disabled). No SMTP attempt, so no AttemptFinished.
struct DeliveryDeferred {
  MessageNumber msg = 0;
  std::string node;     // the MTA's host
  std::string nexthop;  // as the queue manager names it ("mx:example.org")
  Time at;
  std::string kind;
  std::vector<std::string> recipients;
  int code = 0;
  std::string enhanced;
  std::string text;
};

enum class FinalStatus { kDelivered, kBounced, kExpired };

// A recipient reached its final state. For delivered copies, `headers` is the header
// block as it sits in the mailbox (Return-Path and the Received: chain included).
struct RecipientFinal {
  MessageNumber msg = 0;
  std::string_view rcpt;
  FinalStatus status = FinalStatus::kDelivered;
  std::string_view node;
  Time at;
  int code = 0;
  std::string_view reply;
  std::string_view headers;
};

// A deferred message's sender is due a delay warning (RFC 3464 Action: delayed): the
// retry law's warning time had passed when the MTA finished an attempt, as real MTAs
// notice it. The MTA then sends the warning as a message of kind kWarning, listing those
// of `recipients` that asked for DELAY notification (none: no message).
struct DelayWarning {
  MessageNumber msg = 0;
  std::string node;                     // the MTA's host
  std::vector<std::string> recipients;  // still deferred there
  int number = 1;                       // 1 for the first warning of this message at this MTA
  Time arrival;                         // when the message entered that MTA's queue
  Time at;
};

// Nothing more can happen to the message: no copy of it is held anywhere any more (every
// MTA's queue entry and client's outbox with it is gone), its bounces and warnings are
// created, and every event about it came before this one. A recipient not final by now
// never will be.
struct MessageFinished {
  MessageNumber msg = 0;
  Time at;
};

// An MTA's mail service stopped or started again, or (kind "degraded_reply") began or
// ceased to answer with a fault's degraded replies.
struct ServiceChange {
  std::string mta;
  bool up = true;
  Time at;
  std::string kind = "mta_down";  // the outage table's kind
};

struct MailEvents {
  Signal<MessageCreated> message_created;
  Signal<MessageQueued> message_queued;
  Signal<AttemptFinished> attempt_finished;
  Signal<RecipientFinal> recipient_final;
  Signal<DelayWarning> delay_warning;
  Signal<ServiceChange> service_changed;
  Signal<DeliveryDeferred> delivery_deferred;
  Signal<MessageFinished> message_finished;
  // Whether AttemptFinished::transcript is filled. Keeping one costs a string per SMTP line
  // of every session, so an observer that never reads it (the recorder below level full)
  // may turn it off before the run; other observers then see empty transcripts.
  bool attempt_transcripts = true;
  // Whether RecipientFinal::headers is filled for a copy put in a mailbox. Building one
  // costs a copy of the message's header block per delivered recipient, so an observer
  // that never reads it (the recorder below level full) may turn it off the same way.
  bool delivered_headers = true;
};

const char* to_string(AttemptOutcome o);
const char* to_string(FinalStatus s);
const char* to_string(MessageKind k);

}  // namespace mailsim::mta
