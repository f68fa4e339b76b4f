// Delivery status notifications (RFC 3464) as Postfix's bounce daemon writes them: a
// bounce ("Undelivered Mail Returned to Sender") or a delay warning ("Delayed Mail (still
// being retried)") about one message, built as a whole multipart/report message (RFC 6522)
// for the reporting MTA to send from the null sender to the original sender. Pure text
// building: every date and name is given.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "mailsim/smtp/envelope.h"
#include "mailsim/smtp/message_body.h"
#include "mailsim/smtp/reply.h"

namespace mailsim::smtp {

enum class DsnKind : std::uint8_t { kBounce, kDelayWarning };
enum class DsnAction : std::uint8_t { kFailed, kDelayed, kDelivered, kRelayed };

// One recipient's block of the message/delivery-status part.
struct DsnRecipient {
  std::string address;  // Final-Recipient: rfc822; address
  std::string orcpt;    // the recipient's ORCPT ("rfc822;user@example"), or "": no field
  DsnAction action = DsnAction::kFailed;
  // The reply that decided the recipient. Status: its enhanced code, or "x.0.0" from its
  // class when it has none. Diagnostic-Code: "smtp; CODE ENHANCED TEXT".
  Reply reply;
  // The host that sent `reply` (Remote-MTA: dns; host); "" when the reply is this MTA's
  // own (a refused connection, an expired queue lifetime): then no Remote-MTA, and the
  // Diagnostic-Code is "X-mailsim; TEXT".
  std::string remote_mta;
  std::int64_t last_attempt = 0;      // Last-Attempt-Date, Unix seconds; 0: no field
  std::int64_t will_retry_until = 0;  // Will-Retry-Until (delays), Unix seconds; 0: no field
};

struct DsnReport {
  DsnKind kind = DsnKind::kBounce;
  std::string reporting_mta;  // this MTA's host name
  std::string queue_id;       // the original's queue id here; names the MIME boundary
  std::string message_id;     // the DSN's own Message-ID, with its angle brackets
  std::int64_t date = 0;      // the DSN's Date, Unix seconds
  std::int64_t arrival = 0;   // when the original arrived here (Arrival-Date)
  // The original's envelope: mail_from is the DSN's To (REQUIRES: not the null sender; a
  // bounce is never bounced), envid its Original-Envelope-Id, ret what is returned.
  Envelope envelope;
  SharedMessage original;  // REQUIRES: not null
  std::vector<DsnRecipient> recipients;
  // Postfix's bounce_size_limit: a larger original comes back as its headers only,
  // whatever RET says. 0: no limit.
  std::int64_t return_limit = 50000;
};

// The whole DSN message, header and body, with CRLF line ends, ready to be queued. The
// original comes back whole (message/rfc822) in a bounce unless RET=HDRS or it is over
// return_limit; a delay warning returns its headers only (text/rfc822-headers).
std::string build_dsn(const DsnReport& report);

}  // namespace mailsim::smtp
