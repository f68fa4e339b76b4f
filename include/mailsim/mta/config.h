// An MTA's configuration as plain data with in-class defaults (the scenario layer fills
// it from YAML). Times follow Postfix's defaults where the reference table gives them
// (../shared/reference/mta-behaviour.md sections 1-3).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "mailsim/core/time.h"
#include "mailsim/mta/mailbox_set.h"
#include "mailsim/mta/queue_config.h"
#include "mailsim/mta/receive_config.h"
#include "mailsim/mta/retry.h"
#include "mailsim/net/topology.h"
#include "mailsim/smtp/sasl.h"

namespace mailsim::mta {

struct TimeoutConfig {  // Postfix's smtp_*_timeout values (reference section 3)
  Duration connect = Duration::seconds(30);
  Duration command = Duration::seconds(300);  // greeting, EHLO, MAIL, RCPT
  Duration data_init = Duration::seconds(120);
  Duration data_done = Duration::seconds(600);
  Duration server_idle = Duration::seconds(300);  // smtpd_timeout: the server's wait for a command
};

struct MtaConfig {
  std::string name;      // the scenario's name for this MTA
  net::NodeId host = 0;  // the network host it runs on
  std::string hostname;  // its DNS name, used in EHLO, greetings and Received:
  int port = 25;
  std::set<std::string> local_domains;  // delivered here, to mailboxes
  MailboxSet mailboxes;                 // local parts that exist in the local domains
  // Domains accepted for relaying; ".example.edu" matches subdomains of example.edu. (This
  // and the transport map are found by string_view: std::less<>.)
  std::set<std::string, std::less<>> relay_domains;
  // Domain (or ".subdomain") -> next-hop host name, like Postfix transport(5).
  std::map<std::string, std::string, std::less<>> transport;
  std::string relayhost;      // smarthost for everything else; empty: MX lookup
  RetryConfig retry;          // the retry law, its give-up time and delay warnings (retry.h)
  QueueConfig queue;          // active queue, recipient and concurrency limits (queue_config.h)
  Duration processing_delay;  // from arrival in the queue to the first delivery attempt
  TimeoutConfig timeouts;
  std::int64_t message_size_limit = 10'240'000;
  // Loop detection (reference §4): a message that would carry this many Received: fields
  // with this MTA's own is refused at the end of DATA with 554 5.4.6, as Postfix's
  // hopcount_limit does (Postfix: 50; the reference asks for at least 100).
  int hopcount_limit = 100;
  // SMTP AUTH offered by the server (user -> password); empty: no AUTH. An authenticated
  // client may relay to any domain (Postfix's permit_sasl_authenticated).
  std::map<std::string, std::string> auth_users;
  // What this MTA's client authenticates with when the next hop offers AUTH (Postfix's
  // smtp_sasl_password_maps, one entry for every next hop).
  std::optional<smtp::Credentials> client_auth;
  ReceiveConfig receive;  // greylisting, limits, submission (receive_config.h)
};

}  // namespace mailsim::mta
