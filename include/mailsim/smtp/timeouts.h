// How long an SMTP client waits at each stage before it gives up, as data: one row per MTA
// family, copied from ../shared/reference/mta-behaviour.md section 3 (the stages the table
// lacks, RSET and QUIT, cite their own sources). The session never reads a clock; its
// driver looks up the limit for the session's current stage and calls timed_out().
#pragma once

#include <array>
#include <cstdint>
#include <optional>

#include "mailsim/core/time.h"
#include "mailsim/smtp/client_session.h"

namespace mailsim::smtp {

// nullopt where the source gives no figure: RFC 5321 sets none for connect, EHLO, RSET and
// QUIT; sendmail leaves connect to the kernel; qmail never sends RSET. Zero means the
// client does not wait at all.
struct ClientTimeouts {
  std::optional<Duration> connect;
  std::optional<Duration> greeting;    // the 220 banner
  std::optional<Duration> ehlo;        // EHLO or HELO, and AUTH, which follows it
  std::optional<Duration> mail;        // MAIL FROM
  std::optional<Duration> rcpt;        // each RCPT TO
  std::optional<Duration> data_init;   // DATA -> 354
  std::optional<Duration> data_block;  // sending each block of the message
  std::optional<Duration> data_done;   // "." -> the final reply
  std::optional<Duration> rset;        // RSET between two transactions
  std::optional<Duration> quit;        // QUIT -> 221

  friend constexpr bool operator==(const ClientTimeouts&, const ClientTimeouts&) = default;
};

enum class MtaFamily : std::uint8_t { kRfc5321, kPostfix, kExim, kSendmail, kQmail, kOpenSmtpd };

struct ClientTimeoutRow {
  MtaFamily family;
  ClientTimeouts timeouts;
};

namespace timeout_detail {
constexpr Duration s(std::int64_t seconds) { return Duration::seconds(seconds); }
}  // namespace timeout_detail

// The defaults, section 3 of the reference, column by column. RSET and QUIT: Postfix
// smtp_rset_timeout 20s, and by default it skips the reply to QUIT (smtp_skip_quit_response
// = yes, mail_params.h); Exim waits one second for the reply to QUIT and uses
// command_timeout (5m) for RSET (transports/smtp.c); sendmail Timeout.rset 5m and
// Timeout.quit 2m (cf/m4/proto.m4); qmail-remote sends QUIT without waiting and never RSET
// (one message per connection); OpenSMTPD has one 300 s limit for every read
// (mta_session.c).
inline constexpr std::array<ClientTimeoutRow, 6> kClientTimeoutTable = [] {
  using timeout_detail::s;
  return std::array<ClientTimeoutRow, 6>{{
      {MtaFamily::kRfc5321,
       {std::nullopt, s(300), std::nullopt, s(300), s(300), s(120), s(180), s(600), std::nullopt,
        std::nullopt}},
      {MtaFamily::kPostfix,
       {s(30), s(300), s(300), s(300), s(300), s(120), s(180), s(600), s(20), s(0)}},
      {MtaFamily::kExim,
       {s(300), s(300), s(300), s(300), s(300), s(300), s(300), s(600), s(300), s(1)}},
      {MtaFamily::kSendmail,
       {std::nullopt, s(300), s(300), s(600), s(3600), s(300), s(3600), s(3600), s(300), s(120)}},
      {MtaFamily::kQmail,
       {s(60), s(1200), s(1200), s(1200), s(1200), s(1200), s(1200), s(1200), std::nullopt, s(0)}},
      {MtaFamily::kOpenSmtpd,
       {s(300), s(300), s(300), s(300), s(300), s(300), s(300), s(300), s(300), s(300)}},
  }};
}();

constexpr const ClientTimeouts& client_timeouts(MtaFamily family) {
  for (const ClientTimeoutRow& row : kClientTimeoutTable) {
    if (row.family == family) return row.timeouts;
  }
  return kClientTimeoutTable.front().timeouts;  // unreachable: every family has a row
}

// The limit for what the client is doing in `stage`; nullopt also while it is idle between
// messages (how long to keep an idle connection is the driver's policy) and once done.
constexpr std::optional<Duration> timeout_for(const ClientTimeouts& timeouts, ClientStage stage) {
  switch (stage) {
    case ClientStage::kGreeting:
      return timeouts.greeting;
    case ClientStage::kEhlo:
    case ClientStage::kHelo:
    case ClientStage::kAuth:
      return timeouts.ehlo;
    case ClientStage::kMail:
      return timeouts.mail;
    case ClientStage::kRcpt:
      return timeouts.rcpt;
    case ClientStage::kData:
      return timeouts.data_init;
    case ClientStage::kSendingData:
      return timeouts.data_block;
    case ClientStage::kDataBody:
      return timeouts.data_done;
    case ClientStage::kRset:
      return timeouts.rset;
    case ClientStage::kQuit:
      return timeouts.quit;
    case ClientStage::kIdle:
    case ClientStage::kDone:
      break;
  }
  return std::nullopt;
}

}  // namespace mailsim::smtp
