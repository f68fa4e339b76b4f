#include "cli/retry_name.h"

namespace mailsim::cli {
namespace {

bool is_rfc5321(const mta::CustomRetry& law) {
  const auto preset = std::get<mta::CustomRetry>(*mta::retry_preset("rfc5321"));
  const auto* gaps = std::get_if<mta::ListGaps>(&law.gaps);
  return gaps != nullptr && gaps->gaps == std::get<mta::ListGaps>(preset.gaps).gaps &&
         law.queue_lifetime == preset.queue_lifetime && law.delay_warning == preset.delay_warning &&
         law.queue_run_interval == preset.queue_run_interval;
}

// One overload per law, and per kind of custom gaps.
struct Namer {
  std::string operator()(const mta::PostfixRetry&) const { return "postfix"; }
  std::string operator()(const mta::EximRetry&) const { return "exim"; }
  std::string operator()(const mta::SendmailRetry&) const { return "sendmail"; }
  std::string operator()(const mta::QmailRetry&) const { return "qmail"; }
  std::string operator()(const mta::OpenSmtpdRetry&) const { return "opensmtpd"; }
  std::string operator()(const mta::CustomRetry& law) const {
    return is_rfc5321(law) ? "rfc5321" : std::visit(*this, law.gaps);
  }
  std::string operator()(const mta::FixedGaps&) const { return "fixed"; }
  std::string operator()(const mta::ExponentialGaps&) const { return "exponential"; }
  std::string operator()(const mta::ListGaps&) const { return "list"; }
};

}  // namespace

std::string retry_policy_name(const mta::RetryConfig& law) { return std::visit(Namer{}, law); }

}  // namespace mailsim::cli
