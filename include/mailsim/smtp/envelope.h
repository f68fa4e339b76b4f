// The SMTP envelope of one transaction (RFC 5321 2.3.1): who the message is from and who
// it is for, as given in MAIL FROM and the accepted RCPT TO commands, with the ESMTP
// parameters that travel with them: BODY (RFC 6152), and the DSN parameters RET, ENVID,
// NOTIFY and ORCPT (RFC 3461).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace mailsim::smtp {

enum class BodyType : std::uint8_t { kUnspecified, k7Bit, k8BitMime };  // MAIL ... BODY=
enum class DsnReturn : std::uint8_t { kUnspecified, kFull, kHeaders };  // MAIL ... RET=

// RCPT ... NOTIFY= as a bit set. 0 (no NOTIFY given) means the RFC 3461 default, which is
// FAILURE and DELAY; kNotifyNever excludes the others.
enum NotifyFlag : std::uint8_t {
  kNotifyNever = 1,
  kNotifySuccess = 2,
  kNotifyFailure = 4,
  kNotifyDelay = 8,
};

struct RecipientOptions {
  std::uint8_t notify = 0;  // NotifyFlag bits; 0: not given
  std::string orcpt;        // ORCPT= as given ("rfc822;user@example"), xtext-decoded; or ""

  friend bool operator==(const RecipientOptions&, const RecipientOptions&) = default;
};

// True when a DSN of that kind should go to the sender for a recipient with `options`.
inline bool wants_notification(const RecipientOptions& options, NotifyFlag kind) {
  if (options.notify == 0) return kind == kNotifyFailure || kind == kNotifyDelay;
  return (options.notify & kind) != 0;
}

// Addresses without the angle brackets; an empty mail_from is the null sender (bounces).
struct Envelope {
  std::string mail_from;
  std::vector<std::string> rcpt_to;
  // Empty, or one entry per rcpt_to entry, in the same order. Empty means every recipient
  // has default options.
  std::vector<RecipientOptions> rcpt_options;
  BodyType body = BodyType::kUnspecified;
  DsnReturn ret = DsnReturn::kUnspecified;
  std::string envid;  // ENVID=, xtext-decoded; "" when not given

  // The options of recipient `index` (defaults when none were recorded), without a copy:
  // valid while the envelope is unchanged.
  const RecipientOptions& options_of(std::size_t index) const {
    static const RecipientOptions kDefaults;
    return index < rcpt_options.size() ? rcpt_options[index] : kDefaults;
  }

  // Back to an envelope equal to Envelope{}, keeping the room its strings and vectors had
  // (a session's next transaction fills them again).
  void clear() {
    mail_from.clear();
    rcpt_to.clear();
    rcpt_options.clear();
    body = BodyType::kUnspecified;
    ret = DsnReturn::kUnspecified;
    envid.clear();
  }

  // The same transaction with no recipients yet (and so no recipient options).
  Envelope without_recipients() const {
    return {.mail_from = mail_from, .body = body, .ret = ret, .envid = envid};
  }

  friend bool operator==(const Envelope&, const Envelope&) = default;
};

}  // namespace mailsim::smtp
