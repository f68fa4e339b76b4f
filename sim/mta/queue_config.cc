#include "mailsim/mta/queue_config.h"

#include <type_traits>

namespace mailsim::mta {

SenderStyle sender_style(const RetryConfig& law) {
  return std::visit(
      [](const auto& l) {
        using L = std::decay_t<decltype(l)>;
        if constexpr (std::is_same_v<L, PostfixRetry>) return SenderStyle::kPostfix;
        if constexpr (std::is_same_v<L, EximRetry>) return SenderStyle::kExim;
        if constexpr (std::is_same_v<L, SendmailRetry>) return SenderStyle::kSendmail;
        if constexpr (std::is_same_v<L, QmailRetry>) return SenderStyle::kQmail;
        if constexpr (std::is_same_v<L, OpenSmtpdRetry>) return SenderStyle::kOpenSmtpd;
        return SenderStyle::kGeneric;
      },
      law);
}

QueueLimits queue_limits(const QueueConfig& config, const RetryConfig& law) {
  QueueLimits q;
  q.style = sender_style(law);
  q.recipient_limit = q.style == SenderStyle::kPostfix ? 50
                      : q.style == SenderStyle::kQmail ? 1
                                                       : 100;
  q.destination_concurrency_limit = q.style == SenderStyle::kOpenSmtpd ? 5 : 20;
  q.active_limit = config.active_limit.value_or(q.active_limit);
  q.recipient_limit = config.recipient_limit.value_or(q.recipient_limit);
  q.destination_concurrency_limit =
      config.destination_concurrency_limit.value_or(q.destination_concurrency_limit);
  q.initial_destination_concurrency = config.initial_destination_concurrency.value_or(
      q.style == SenderStyle::kPostfix ? 5 : q.destination_concurrency_limit);
  if (const auto* postfix = std::get_if<PostfixRetry>(&law)) {
    q.dead_backoff = postfix->minimal_backoff_time;
  }
  const bool postfix = q.style == SenderStyle::kPostfix;
  const bool exim = q.style == SenderStyle::kExim;
  q.connection_reuse = config.connection_reuse.value_or(postfix || exim);
  q.reuse_time_limit = postfix ? Duration::seconds(300) : Duration{};
  q.reuse_message_limit = exim ? 500 : 0;
  q.connection_cache_time = postfix ? Duration::seconds(2) : Duration{};
  q.remote_max_parallel = exim ? 4 : 0;
  q.capacity = config.capacity;
  return q;
}

}  // namespace mailsim::mta
