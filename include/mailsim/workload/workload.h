// Who sends what, when. This step has explicit messages at given times; rates, daily
// profiles and bursts come later. The workload composes each message (headers and a body
// of the requested size) and hands it to a submit function; it knows nothing of MTAs.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "mailsim/core/simulator.h"
#include "mailsim/smtp/envelope.h"
#include "mailsim/smtp/message_body.h"

namespace mailsim::workload {

// The largest message a scenario may ask for: the loader refuses larger sizes, and
// generated sizes are cut here.
inline constexpr std::int64_t kMaxMessageSize = std::int64_t{1} << 30;

struct ExplicitMessage {
  Time at;
  std::string origin;  // the MTA the sender submits to
  std::string client;  // the scenario's client it is submitted through; "": origin's queue
  std::string sender;
  std::vector<std::string> recipients;
  std::int64_t size_bytes = 2048;  // of the whole message, headers included
  std::string subject = "Hello";
  std::uint8_t notify = 0;  // RCPT NOTIFY= for every recipient (smtp::NotifyFlag bits); 0: none
  smtp::DsnReturn ret = smtp::DsnReturn::kUnspecified;  // MAIL RET=
};

struct ComposeInfo {
  std::string_view message_id;    // without <>; a view: the caller keeps it alive for compose()
  std::int64_t unix_seconds = 0;  // for the Date: header
};

// An RFC 5322 message with CRLF line ends: From, To, Subject, Date, Message-ID, then a
// synthetic body (smtp::MessageBody::synthetic) filling it up to size_bytes, or just the
// headers when they already reach it. The body is generated while it is read, so a 10 MB
// message costs little more than its header until a hop receives it. The text depends
// only on the arguments.
smtp::SharedMessage compose(const ExplicitMessage& m, const ComposeInfo& info);
// compose()'s message as one string.
std::string compose_message(const ExplicitMessage& m, const ComposeInfo& info);

// A message ready to hand to its client or MTA.
struct Submission {
  smtp::Envelope envelope;
  smtp::SharedMessage message;
  std::string message_id;  // without <>; also the message's name in the run
};
// m's envelope (its sender and recipients, with its NOTIFY and RET) and compose()'s
// message. Depends only on its arguments, so any thread may call it.
Submission prepare_submission(const ExplicitMessage& m, std::string message_id,
                              std::int64_t unix_seconds);

// Schedules each message's submission at its time. `submit` gets the message and its
// 1-based position in `messages`.
using Submit = std::function<void(const ExplicitMessage&, std::size_t index)>;
void schedule_messages(Simulator& sim, const std::vector<ExplicitMessage>& messages, Submit submit);

}  // namespace mailsim::workload
