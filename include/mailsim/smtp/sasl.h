// The pieces of SMTP AUTH (RFC 4954) both sides share: base64 (RFC 4648, through
// OpenSSL), and the PLAIN (RFC 4616) and LOGIN mechanisms' messages.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace mailsim::smtp {

struct Credentials {
  std::string user;
  std::string password;

  friend bool operator==(const Credentials&, const Credentials&) = default;
};

std::string base64_encode(std::string_view bytes);
// nullopt unless `text` is canonical base64 (padded, no whitespace). "" decodes to "".
std::optional<std::string> base64_decode(std::string_view text);

// PLAIN's message "authzid NUL authcid NUL passwd", base64-encoded, with an empty authzid.
std::string plain_response(const Credentials& credentials);
// Decodes a PLAIN response; nullopt when it is not base64 of "[authzid] NUL user NUL pass".
// An authzid other than "" or the user itself is refused (no proxy authorisation).
std::optional<Credentials> parse_plain_response(std::string_view base64_text);

}  // namespace mailsim::smtp
