// What happens to a message as it enters an MTA's queue, as Postfix's cleanup (with
// smtpd) does it: the hop count check that catches mail loops, the Received: trace field
// this MTA prepends, and the Message-ID the run knows the message by. Pure functions.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "mailsim/net/topology.h"
#include "mailsim/smtp/envelope.h"
#include "mailsim/smtp/headers.h"
#include "mailsim/smtp/message_body.h"
#include "mailsim/smtp/server_session.h"

namespace mailsim::mta {

// What cleanup reads from a received header, in one pass over it: the Received: fields
// that count its hops, and the Message-ID the run knows the message by. The Message-ID is
// a view of the header read (or of this object's unfolding of a folded field), so the
// header must outlive it, and it is neither copied nor moved.
class HeaderFacts {
 public:
  explicit HeaderFacts(std::string_view header);
  HeaderFacts(const HeaderFacts&) = delete;
  HeaderFacts& operator=(const HeaderFacts&) = delete;

  std::size_t received_fields() const { return received_fields_; }
  // Without its angle brackets; "" when there is none.
  std::string_view message_id() const { return message_id_; }

 private:
  std::size_t received_fields_ = 0;
  std::string unfolded_;  // a folded Message-ID field's value
  std::string_view message_id_;
};

// True when a header with `received_fields` Received: fields would carry at least
// `hopcount_limit` of them with the one this MTA adds (reference §4; Postfix's cleanup
// counts smtpd's own field too).
bool too_many_hops(std::size_t received_fields, int hopcount_limit);

// The Received: fields that come from the session: the client's HELO name and address,
// the protocol ("with ESMTPA" when authenticated, ESMTP after EHLO, SMTP after HELO) and
// "for" with a single recipient. The caller adds by_host, queue_id and the time.
smtp::ReceivedFields received_fields(const smtp::SessionInfo& session, net::NodeId client,
                                     const smtp::Envelope& envelope);

// The received message with `trace` (a whole Received: field) in front of its header; the
// body is shared, not copied.
smtp::SharedMessage with_trace_field(std::string trace, const smtp::Message& received);
// The same for received data as text.
smtp::SharedMessage with_trace_field(std::string trace, std::string_view data);

// The Message-ID header's value without its angle brackets; "" when there is none.
std::string message_id_of(std::string_view header);

}  // namespace mailsim::mta
