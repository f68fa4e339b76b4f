// The service extensions a server announces in its EHLO reply (RFC 1869), as a client
// sees them. Keywords the client does not use are ignored.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "mailsim/smtp/reply.h"

namespace mailsim::smtp {

struct Extensions {
  bool pipelining = false;      // RFC 2920
  bool size = false;            // RFC 1870
  std::int64_t size_limit = 0;  // octets; 0 when SIZE came without a limit
  bool eight_bit_mime = false;
  bool enhanced_status_codes = false;
  bool dsn = false;
  bool auth = false;                         // RFC 4954
  std::vector<std::string> auth_mechanisms;  // upper-cased, as offered

  bool offers_auth(std::string_view mechanism) const;  // `mechanism` upper-case
};

// Reads a positive EHLO reply: the first line is the server's name, each further line one
// keyword with its parameters. "AUTH=PLAIN" (an old draft's form) counts as "AUTH PLAIN",
// and the mechanisms of several AUTH lines add up, as Postfix reads them.
Extensions parse_extensions(const Reply& ehlo_reply);

}  // namespace mailsim::smtp
