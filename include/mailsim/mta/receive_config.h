// How an MTA's SMTP server receives mail, as plain data with in-class defaults: its
// greylisting, its limits per client and per message, a content filter's delay, the
// submission port, and replies degraded on purpose for a while (a fault). Facts from
// ../shared/reference/mta-behaviour.md §4 (replies, limits, submission) and §5
// (greylisting). The scenario layer fills it from an MTA's receive: key.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mailsim/core/time.h"
#include "mailsim/smtp/reply.h"

namespace mailsim::mta {

// Greylisting of (client network, sender, recipient) triplets at RCPT (reference §5).
struct GreylistConfig {
  bool enabled = false;
  std::string preset;  // "postgrey", "milter-greylist" or "custom", for people and records
  Duration delay = Duration::seconds(300);  // a triplet passes this long after it was first seen
  // A triplet that has not passed and is retried later than this after it was first seen
  // starts over (postgrey's retry window; milter-greylist's greylisted-entry timeout).
  Duration retry_window = Duration::days(2);
  // A triplet that passed is forgotten when it is not seen for this long (postgrey's
  // max-age, 35 d; milter-greylist's autowhite, 24 h).
  Duration pass_lifetime = Duration::days(35);
  // A client network is whitelisted after this many passes, counted at most once an hour
  // (postgrey's auto-whitelist-clients); 0: never.
  int whitelist_client_after = 5;
  // The client network is the address's first this many bits: 24 for postgrey, 32 (the
  // address itself) for milter-greylist.
  int prefix_bits = 24;
  // The reply to a greylisted RCPT; in its text "{rcpt}" stands for the recipient and
  // "{domain}" for the recipient's domain.
  int code = 450;
  std::string enhanced = "4.2.0";
  std::string text =
      "<{rcpt}>: Recipient address rejected: Greylisted, see "
      "http://postgrey.schweikert.ch/help/{domain}.html";
};

inline constexpr std::array<std::string_view, 2> kGreylistPresets = {"postgrey", "milter-greylist"};
// The preset of that name (one of kGreylistPresets) with its reference §5 values.
std::optional<GreylistConfig> greylist_preset(std::string_view name);

// The SMTP stages a degraded reply can replace.
enum class SmtpStage { kConnect, kEhlo, kMail, kRcpt, kData, kEndOfData };

// A fault: while it is in force (Mta::set_degraded_reply, over the windows of a
// degraded_reply outage) the server answers `stage` with `reply` instead of deciding (a 421
// closes the connection).
struct DegradedReply {
  SmtpStage stage = SmtpStage::kRcpt;
  smtp::Reply reply;
};

struct ReceiveConfig {
  GreylistConfig greylist;
  // Postfix's smtpd_client_connection_count_limit (default 50): more simultaneous
  // connections from one client address get 421 4.7.0 at once. 0: no limit.
  int max_connections_per_client = 50;
  // Postfix's smtpd_recipient_limit: the RCPT past it gets 452 4.5.3 (reference §4).
  int max_recipients = 1000;
  // A before-queue content filter: the reply to the end of DATA comes this long after the
  // final ".", plus per_kib for each KiB (1024 octets, pro rata) of the message.
  Duration filter_per_message;
  Duration filter_per_kib;
  // Submission (RFC 6409) on port 587, where MAIL needs AUTH first (530 5.7.0). REQUIRES
  // auth_users when set.
  bool submission = false;
  // Relays for anyone, authenticated or not: a misconfiguration `mailsim validate` warns of.
  bool open_relay = false;
  std::vector<DegradedReply> degraded;  // from the scenario's faults
};

inline constexpr std::array<std::string_view, 6> kSmtpStages = {"connect", "ehlo", "mail",
                                                                "rcpt",    "data", "end_of_data"};
const char* to_string(SmtpStage stage);  // its name in kSmtpStages

}  // namespace mailsim::mta
