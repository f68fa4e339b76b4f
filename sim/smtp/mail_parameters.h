// The ESMTP parameters a server takes on MAIL (SIZE, BODY, RET, ENVID, AUTH) and on RCPT
// (NOTIFY, ORCPT), read and checked the way Postfix's smtpd does, with its refusals: a bad
// value or a repeated DSN parameter is 501 5.5.4, an unknown parameter 555 5.5.4.
// Private to the smtp layer.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "mailsim/smtp/command.h"
#include "mailsim/smtp/envelope.h"
#include "mailsim/smtp/reply.h"

namespace mailsim::smtp {

struct MailOptions {
  std::int64_t declared_size = 0;  // SIZE=, octets; 0 when not given
  BodyType body = BodyType::kUnspecified;
  DsnReturn ret = DsnReturn::kUnspecified;
  std::string envid;  // ENVID=, xtext-decoded
};

// Fills `options` from MAIL's parameters (PathView::parameters); returns the refusal of the
// first bad one. AUTH= (RFC 4954 5) is taken, and ignored, only when the server offers AUTH.
std::optional<Reply> read_mail_parameters(std::string_view parameters, bool auth_offered,
                                          MailOptions& options);

// Fills `options` from RCPT's parameters (PathView::parameters); returns the refusal of the
// first bad one.
std::optional<Reply> read_rcpt_parameters(std::string_view parameters, RecipientOptions& options);

}  // namespace mailsim::smtp
