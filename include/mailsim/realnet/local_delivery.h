// What `mailsim smtpd` decides and does with mail: recipients in its local domains are
// accepted (any local part), every other one is refused as relaying, authenticated or not,
// and an accepted message is stored once, for all its recipients, in one Maildir with
// Return-Path: and this hop's Received: on top. Shared by all sessions of one server.
#pragma once

#include <cstdint>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "mailsim/realnet/maildir.h"
#include "mailsim/smtp/envelope.h"
#include "mailsim/smtp/reply.h"

namespace mailsim::realnet {

// The hop a message came over, for its Received: field.
struct Hop {
  std::string helo_name;
  std::string client_address;           // an IP address, without brackets
  std::string with_protocol = "ESMTP";  // "SMTP", "ESMTP" or "ESMTPA"
};

class LocalDelivery {
 public:
  // `maildir` must outlive this object. `log` gets one line per stored message or error.
  LocalDelivery(const std::vector<std::string>& local_domains, std::string hostname,
                Maildir& maildir, std::ostream& log);

  // Domains compare case-insensitively; an address without "@" (such as "postmaster") is
  // local, as Postfix completes it with its own domain.
  bool is_local(std::string_view address) const;
  // 250 2.1.5 Ok, or Postfix's 554 5.7.1 <ADDRESS>: Relay access denied.
  smtp::Reply check_recipient(std::string_view address) const;
  // Stores `data` (CRLF line ends, dot-unstuffed) and answers 250 2.0.0 "Ok: queued as ID",
  // or 451 4.3.0 when the Maildir cannot be written. The file has LF line ends, as Maildir
  // readers expect: "Return-Path: <SENDER>", the Received: field, then the data with each
  // CRLF turned into LF.
  smtp::Reply deliver(const smtp::Envelope& envelope, std::string_view data, const Hop& hop,
                      std::int64_t unix_seconds);

 private:
  std::vector<std::string> local_domains_;  // lower case
  std::string hostname_;
  Maildir& maildir_;
  std::ostream& log_;
};

}  // namespace mailsim::realnet
