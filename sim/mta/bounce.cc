#include "mta/bounce.h"

#include <cassert>
#include <memory>
#include <utility>

namespace mailsim::mta {

namespace {

std::int64_t unix_seconds(Time t, std::int64_t epoch) { return epoch + t.ns() / 1'000'000'000; }

}  // namespace

bool wants_dsn(const QueueEntry& entry, const QueuedRecipient& r, smtp::NotifyFlag kind) {
  return !entry.envelope.mail_from.empty() && smtp::wants_notification(r.options, kind);
}

smtp::DsnRecipient dsn_recipient(const QueuedRecipient& r, smtp::DsnAction action,
                                 std::int64_t epoch_unix_seconds) {
  smtp::DsnRecipient d;
  d.address = r.address;
  d.orcpt = r.options.orcpt;
  d.action = action;
  d.reply = r.last_reply.code != 0 ? r.last_reply
                                   : smtp::make_reply(451, "4.4.7", "delivery time expired");
  d.remote_mta = r.last_reply.code != 0 ? r.remote_mta : std::string();
  if (r.last_attempt) d.last_attempt = unix_seconds(*r.last_attempt, epoch_unix_seconds);
  return d;
}

std::vector<smtp::DsnRecipient> delayed_recipients(const QueueEntry& entry, Time until,
                                                   std::int64_t epoch_unix_seconds) {
  std::vector<smtp::DsnRecipient> delayed;
  for (const QueuedRecipient& r : entry.rcpts) {
    if (r.done || !wants_dsn(entry, r, smtp::kNotifyDelay)) continue;
    delayed.push_back(dsn_recipient(r, smtp::DsnAction::kDelayed, epoch_unix_seconds));
    if (until != Time::max())
      delayed.back().will_retry_until = unix_seconds(until, epoch_unix_seconds);
  }
  return delayed;
}

Notification make_notification(smtp::DsnKind kind, const QueueEntry& entry,
                               std::vector<smtp::DsnRecipient> recipients,
                               const Reporter& reporter) {
  assert(!entry.envelope.mail_from.empty() && !recipients.empty());
  const std::int64_t now = unix_seconds(reporter.now, reporter.epoch_unix_seconds);
  // Unique in the run: a queue id is unique at its MTA, a hostname names one MTA.
  std::string message_id = std::to_string(now) + "." + reporter.queue_id + "@" + reporter.hostname;
  smtp::DsnReport report;
  report.kind = kind;
  report.reporting_mta = reporter.hostname;
  report.queue_id = entry.queue_id;
  report.message_id = "<" + message_id + ">";
  report.date = now;
  report.arrival = unix_seconds(entry.arrival, reporter.epoch_unix_seconds);
  report.envelope = entry.envelope;
  report.original = entry.message;
  report.recipients = std::move(recipients);
  smtp::Envelope envelope;
  envelope.rcpt_to.push_back(entry.envelope.mail_from);
  return {std::move(envelope), std::make_shared<const smtp::Message>(smtp::build_dsn(report)),
          std::move(message_id)};
}

}  // namespace mailsim::mta
