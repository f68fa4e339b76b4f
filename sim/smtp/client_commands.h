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

// `size`: the message's octets as given, declared with SIZE (RFC 1870).
std::string mail_command(const Envelope& envelope, std::int64_t size, const Extensions& offered);
// The RCPT line for recipient `index` of `envelope`.
std::string rcpt_command(const Envelope& envelope, std::size_t index, const Extensions& offered);

// xtext (RFC 3461 4): octets outside "!".."~", and "+" and "=", become "+" and two
// upper-case hex digits.
std::string xtext_encode(std::string_view text);

}  // namespace mailsim::smtp
