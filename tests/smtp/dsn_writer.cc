// Writes sample DSNs and the originals they return into the folder given as the only
// argument, for dsn_structure_test.py to read with an independent MIME parser.
#include <cstdio>
#include <fstream>
#include <memory>
#include <string>

#include "mailsim/smtp/dsn.h"

namespace {

using namespace mailsim::smtp;

constexpr std::int64_t kArrival = 1795903261;
constexpr std::int64_t kNow = kArrival + 7200;

DsnRecipient remote_failure() {
  DsnRecipient r;
  r.address = "b@dest.example";
  r.orcpt = "rfc822;bob@dest.example";
  r.reply = make_reply(550, "5.1.1",
                       "<b@dest.example>: Recipient address rejected: User unknown in virtual "
                       "mailbox table");
  r.remote_mta = "mx.dest.example";
  r.last_attempt = kNow;
  return r;
}

DsnRecipient local_failure() {
  DsnRecipient r;
  r.address = "c@other.example";
  r.reply = make_reply(451, "4.4.1", "connect to mx.other.example:25: Connection refused");
  r.last_attempt = kNow;
  return r;
}

DsnReport report(DsnKind kind, SharedMessage original) {
  DsnReport report;
  report.kind = kind;
  report.reporting_mta = "relay.src.example";
  report.queue_id = "4F3A2B";
  report.message_id = "<dsn.4F3A2B@relay.src.example>";
  report.date = kNow;
  report.arrival = kArrival;
  report.envelope = {"a@src.example", {"b@dest.example", "c@other.example"}};
  report.envelope.envid = "QQ314159";
  report.original = std::move(original);
  report.recipients = {remote_failure(), local_failure()};
  if (kind == DsnKind::kDelayWarning) {
    for (DsnRecipient& r : report.recipients) {
      r.action = DsnAction::kDelayed;
      r.reply = make_reply(450, "4.2.0", "Greylisted, see http://postgrey.example/help");
      r.will_retry_until = kArrival + std::int64_t{5} * 86400;
    }
  }
  return report;
}

void write(const std::string& folder, const std::string& name, const std::string& text) {
  std::ofstream(folder + "/" + name, std::ios::binary) << text;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s FOLDER\n", argv[0]);
    return 2;
  }
  const std::string folder = argv[1];
  const auto original = std::make_shared<const Message>(
      "Received: from laptop.src.example (laptop.src.example [10.0.0.7])\r\n"
      "\tby relay.src.example (mailsim) with ESMTPA id 4F3A2B;\r\n"
      "\tSat, 28 Nov 2026 22:01:01 +0000\r\n"
      "From: a@src.example\r\nTo: b@dest.example, c@other.example\r\nSubject: lunch\r\n"
      "Date: Sat, 28 Nov 2026 22:00:00 +0000\r\nMessage-ID: <1@src.example>\r\n\r\n"
      "See you at noon.\r\n.\r\n-- \r\nA\r\n");
  const auto synthetic = std::make_shared<const Message>(
      "From: a@src.example\r\nSubject: filler\r\nMessage-ID: <2@src.example>\r\n",
      MessageBody::synthetic(3001, 11));
  write(folder, "original.eml", original->text());
  write(folder, "synthetic_original.eml", synthetic->text());
  write(folder, "bounce.eml", build_dsn(report(DsnKind::kBounce, original)));
  write(folder, "synthetic_bounce.eml", build_dsn(report(DsnKind::kBounce, synthetic)));
  DsnReport headers_only = report(DsnKind::kBounce, original);
  headers_only.envelope.ret = DsnReturn::kHeaders;
  write(folder, "headers_bounce.eml", build_dsn(headers_only));
  write(folder, "warning.eml", build_dsn(report(DsnKind::kDelayWarning, original)));
  return 0;
}
