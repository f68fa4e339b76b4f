// The names under which the results file each MTA's retry law (node.retry_policy).
#include "cli/retry_name.h"

#include "support/catch.h"

namespace mailsim::cli {
namespace {

TEST_CASE("a preset is named by its name, with or without changed parameters") {
  for (const std::string_view preset : {"postfix", "exim", "sendmail", "qmail", "opensmtpd"}) {
    CAPTURE(preset);
    CHECK(retry_policy_name(*mta::retry_preset(preset)) == preset);
  }
  mta::PostfixRetry changed;
  changed.maximal_backoff_time = Duration::hours(2);
  CHECK(retry_policy_name(changed) == "postfix");
}

TEST_CASE("the rfc5321 preset is named as such until its law is changed") {
  const mta::RetryConfig preset = *mta::retry_preset("rfc5321");
  CHECK(retry_policy_name(preset) == "rfc5321");
  mta::CustomRetry changed = std::get<mta::CustomRetry>(preset);
  changed.queue_lifetime = Duration::days(2);
  CHECK(retry_policy_name(changed) == "list");
}

TEST_CASE("a custom law is named for the kind of its gaps") {
  mta::CustomRetry law;
  law.gaps = mta::FixedGaps{};
  CHECK(retry_policy_name(law) == "fixed");
  law.gaps = mta::ExponentialGaps{};
  CHECK(retry_policy_name(law) == "exponential");
  law.gaps = mta::ListGaps{{Duration::minutes(10)}};
  CHECK(retry_policy_name(law) == "list");
}

}  // namespace
}  // namespace mailsim::cli
