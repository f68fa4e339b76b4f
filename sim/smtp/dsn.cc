// The layout follows Postfix's bounce daemon (bounce_notify_util.c): the three parts with
// their Content-Description, the boundary "QUEUEID.TIME/HOST", per-recipient lines and
// fields wrapped at 79 columns with 4 spaces of indent. The prose is mailsim's own.
#include "mailsim/smtp/dsn.h"

#include <algorithm>
#include <cassert>
#include <string_view>

#include "mailsim/smtp/headers.h"

namespace mailsim::smtp {
namespace {

constexpr std::size_t kWrapColumns = 79;
constexpr std::string_view kIndent = "    ";

// `text` as CRLF-ended lines of at most kWrapColumns where spaces allow, continuation
// lines indented (so a wrapped header field stays one folded field).
std::string wrapped(std::string_view text) {
  std::string out;
  std::size_t line_length = 0;
  while (!text.empty()) {
    const std::size_t end = std::min(text.find(' '), text.size());
    const std::string_view word = text.substr(0, end);
    text.remove_prefix(std::min(end + 1, text.size()));
    if (line_length > 0 && line_length + 1 + word.size() > kWrapColumns) {
      out += "\r\n";
      out += kIndent;
      line_length = kIndent.size();
    } else if (line_length > 0) {
      out += ' ';
      ++line_length;
    }
    out += word;
    line_length += word.size();
  }
  return out + "\r\n";
}

std::string_view action_name(DsnAction action) {
  switch (action) {
    case DsnAction::kFailed:
      return "failed";
    case DsnAction::kDelayed:
      return "delayed";
    case DsnAction::kDelivered:
      return "delivered";
    case DsnAction::kRelayed:
      break;
  }
  return "relayed";
}

std::string status_of(const Reply& reply) {
  if (!reply.enhanced.empty()) return reply.enhanced;
  return std::to_string(reply.code / 100) + ".0.0";
}

// What went wrong, for people: "host mx said: 550 5.1.1 ..." or this MTA's own words.
std::string reason(const DsnRecipient& r) {
  if (r.remote_mta.empty()) return r.reply.plain_text();
  return "host " + r.remote_mta + " said: " + std::to_string(r.reply.code) + " " + r.reply.text();
}

bool has_8bit(std::string_view text) {
  return std::any_of(text.begin(), text.end(), [](char c) { return (c & 0x80) != 0; });
}

std::string notification(const DsnReport& report) {
  std::string text = "This is the mail system at host " + report.reporting_mta + ".\r\n\r\n";
  if (report.kind == DsnKind::kBounce) {
    text +=
        "Your message could not be delivered to one or more of its recipients.\r\n"
        "It is attached below.\r\n";
  } else {
    const std::int64_t hours = std::max<std::int64_t>(0, report.date - report.arrival) / 3600;
    std::int64_t until = 0;
    for (const DsnRecipient& r : report.recipients) until = std::max(until, r.will_retry_until);
    text += "This is a warning only: you do not need to send your message again.\r\n\r\n";
    text += "Your message has waited " + std::to_string(hours) +
            " hour(s) without being delivered.\r\n";
    if (until > 0) {
      text += "The mail system will keep trying until " + format_rfc5322_date(until) + ".\r\n";
    }
  }
  text +=
      "\r\nFor further assistance, please send mail to postmaster, with this report.\r\n"
      "\r\n"
      "                   The mail system\r\n";
  for (const DsnRecipient& r : report.recipients) {
    text += "\r\n" + wrapped("<" + r.address + ">: " + reason(r));
  }
  return text;
}

std::string recipient_fields(const DsnRecipient& r) {
  std::string fields = "Final-Recipient: rfc822; " + r.address + "\r\n";
  if (!r.orcpt.empty()) fields += "Original-Recipient: " + r.orcpt + "\r\n";
  fields += "Action: " + std::string(action_name(r.action)) + "\r\n";
  fields += "Status: " + status_of(r.reply) + "\r\n";
  if (!r.remote_mta.empty()) {
    fields += wrapped("Remote-MTA: dns; " + r.remote_mta);
    fields +=
        wrapped("Diagnostic-Code: smtp; " + std::to_string(r.reply.code) + " " + r.reply.text());
  } else {
    fields += wrapped("Diagnostic-Code: X-mailsim; " + r.reply.plain_text());
  }
  if (r.last_attempt > 0) {
    fields += "Last-Attempt-Date: " + format_rfc5322_date(r.last_attempt) + "\r\n";
  }
  if (r.will_retry_until > 0) {
    fields += "Will-Retry-Until: " + format_rfc5322_date(r.will_retry_until) + "\r\n";
  }
  return fields;
}

std::string delivery_status(const DsnReport& report) {
  std::string status = "Reporting-MTA: dns; " + report.reporting_mta + "\r\n";
  if (!report.envelope.envid.empty()) {
    status += "Original-Envelope-Id: " + report.envelope.envid + "\r\n";
  }
  status += "Arrival-Date: " + format_rfc5322_date(report.arrival) + "\r\n";
  for (const DsnRecipient& r : report.recipients) status += "\r\n" + recipient_fields(r);
  return status;
}

bool returns_whole_message(const DsnReport& report) {
  return report.kind == DsnKind::kBounce && report.envelope.ret != DsnReturn::kHeaders &&
         (report.return_limit <= 0 || report.original->size() <= report.return_limit);
}

// A boundary that no line of the content starts with.
std::string boundary_for(const DsnReport& report, std::string_view content) {
  std::string boundary =
      report.queue_id + "." + std::to_string(report.date) + "/" + report.reporting_mta;
  while (content.find("--" + boundary) != std::string_view::npos) boundary += "=";
  return boundary;
}

}  // namespace

std::string build_dsn(const DsnReport& report) {
  assert(report.original && !report.envelope.mail_from.empty());
  const bool whole = returns_whole_message(report);
  const std::string returned =
      whole ? report.original->text() : std::string(report.original->header());
  const std::string boundary = boundary_for(report, returned);
  const std::string encoding = has_8bit(returned) ? "8bit" : "7bit";
  const bool bounce = report.kind == DsnKind::kBounce;

  std::string out = "Date: " + format_rfc5322_date(report.date) + "\r\n";
  out += "From: Mail Delivery System <MAILER-DAEMON@" + report.reporting_mta + ">\r\n";
  out += "To: " + report.envelope.mail_from + "\r\n";
  out += bounce ? "Subject: Undelivered Mail Returned to Sender\r\n"
                : "Subject: Delayed Mail (still being retried)\r\n";
  out += "Message-ID: " + report.message_id + "\r\n";
  out += "Auto-Submitted: auto-replied\r\n";
  out += "MIME-Version: 1.0\r\n";
  out += "Content-Type: multipart/report; report-type=delivery-status;\r\n";
  out += "\tboundary=\"" + boundary + "\"\r\n";
  out += "Content-Transfer-Encoding: " + encoding + "\r\n";
  out += "\r\nThis is a MIME-encapsulated message.\r\n";

  out += "\r\n--" + boundary + "\r\n";
  out += "Content-Description: Notification\r\n";
  out += "Content-Type: text/plain; charset=us-ascii\r\n\r\n";
  out += notification(report);

  out += "\r\n--" + boundary + "\r\n";
  out += "Content-Description: Delivery report\r\n";
  out += "Content-Type: message/delivery-status\r\n\r\n";
  out += delivery_status(report);

  out += "\r\n--" + boundary + "\r\n";
  out += whole ? "Content-Description: Undelivered Message\r\nContent-Type: message/rfc822\r\n"
               : "Content-Description: Undelivered Message Headers\r\n"
                 "Content-Type: text/rfc822-headers\r\n";
  if (encoding == "8bit") out += "Content-Transfer-Encoding: 8bit\r\n";
  out += "\r\n" + returned;
  out += "\r\n--" + boundary + "--\r\n";
  return out;
}

}  // namespace mailsim::smtp
