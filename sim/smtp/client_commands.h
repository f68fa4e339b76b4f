// The MAIL and RCPT command lines a client sends, with the ESMTP parameters the server's
// EHLO offered and the envelope asks for; a parameter the server did not offer is left
// out. Order and form follow Postfix's smtp client (smtp_proto.c): SIZE, BODY, ENVID, RET
// on MAIL; NOTIFY, ORCPT on RCPT. Private to the smtp layer.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "mailsim/smtp/envelope.h"
#include "mailsim/smtp/extensions.h"

namespace mailsim::smtp {

// Each appends its line, without the line end, to `out` (the session's output, so that no
// line is built apart first).
// `size`: the message's octets as given, declared with SIZE (RFC 1870).
void append_mail_command(std::string& out, const Envelope& envelope, std::int64_t size,
                         const Extensions& offered);
// The RCPT line for recipient `index` of `envelope`.
void append_rcpt_command(std::string& out, const Envelope& envelope, std::size_t index,
                         const Extensions& offered);

// xtext (RFC 3461 4): octets outside "!".."~", and "+" and "=", become "+" and two
// upper-case hex digits.
void append_xtext(std::string& out, std::string_view text);

}  // namespace mailsim::smtp
