// The SMTP envelope of one transaction (RFC 5321 2.3.1): who the message is from and who
// it is for, as given in MAIL FROM and the accepted RCPT TO commands.
#pragma once

#include <string>
#include <vector>

namespace mailsim::smtp {

// Addresses without the angle brackets; an empty mail_from is the null sender (bounces).
struct Envelope {
  std::string mail_from;
  std::vector<std::string> rcpt_to;

  friend bool operator==(const Envelope&, const Envelope&) = default;
};

}  // namespace mailsim::smtp
