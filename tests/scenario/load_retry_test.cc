// The retry: key of an MTA or of defaults: (scenarios/README.md, "Retry laws").
#include <string>
#include <variant>

#include "mailsim/core/error.h"
#include "mailsim/scenario/config.h"
#include "scenario/scenario_file.h"
#include "support/catch.h"

using mailsim::Duration;
using mailsim::InputError;
using namespace mailsim::mta;

namespace {

// One MTA; `retry` is the YAML value of its retry: key (line 4), `defaults` what goes
// under defaults: (line 6).
std::string one_mta(const std::string& retry, const std::string& defaults = "{}") {
  return "name: r\nhosts: [{name: a}]\nmtas:\n  - {name: a, host: a, hostname: a.example, "
         "retry: " +
         retry + "}\ndefaults:\n  " + defaults + "\n";
}

RetryConfig load(const std::string& yaml) {
  const ScenarioFile f(yaml);
  return mailsim::scenario::load_scenario(f.path()).mtas.at(0).mta.retry;
}

InputError error(const std::string& yaml) {
  auto e = scenario_error(yaml);
  INFO("no error for:\n" << yaml);
  REQUIRE(e);
  return *e;
}

}  // namespace

TEST_CASE("an MTA without a retry key follows postfix") {
  const ScenarioFile f("name: r\nhosts: [{name: a}]\nmtas: [{name: a, host: a, hostname: a.x}]\n");
  const RetryConfig law = mailsim::scenario::load_scenario(f.path()).mtas.at(0).mta.retry;
  CHECK(std::holds_alternative<PostfixRetry>(law));
}

TEST_CASE("a preset is named by itself or under preset:") {
  CHECK(std::holds_alternative<EximRetry>(load(one_mta("exim"))));
  CHECK(std::holds_alternative<QmailRetry>(load(one_mta("{preset: qmail}"))));
  CHECK(std::holds_alternative<SendmailRetry>(load(one_mta("sendmail"))));
  CHECK(std::holds_alternative<OpenSmtpdRetry>(load(one_mta("opensmtpd"))));
  const auto rfc = std::get<CustomRetry>(load(one_mta("rfc5321")));
  CHECK(std::get<ListGaps>(rfc.gaps).gaps.size() == 2);
}

TEST_CASE("a preset's parameters can be overridden") {
  const auto p = std::get<PostfixRetry>(load(one_mta(
      "{preset: postfix, maximal_backoff_time: 2h, queue_run_delay: 10m, queue_lifetime: 3d, "
      "delay_warning: 4h}")));
  CHECK(p.minimal_backoff_time == Duration::seconds(300));
  CHECK(p.maximal_backoff_time == Duration::hours(2));
  CHECK(p.queue_run_delay == Duration::minutes(10));
  CHECK(p.maximal_queue_lifetime == Duration::days(3));
  CHECK(p.delay_warning_time == Duration::hours(4));
  const auto s = std::get<SendmailRetry>(
      load(one_mta("{preset: sendmail, queue_run_interval: 15m, max_queue_age: 4h, "
                   "delay_warning: 0s}")));
  CHECK(s.queue_run_interval == Duration::minutes(15));
  CHECK(s.max_queue_age == Duration::hours(4));
  CHECK(s.queue_warn == Duration{});
  const auto e = std::get<EximRetry>(
      load(one_mta("{preset: exim, rules: \"F,1h,10m\", retry_interval_max: 12h}")));
  CHECK(e.rules.size() == 1);
  CHECK(e.retry_interval_max == Duration::hours(12));
}

TEST_CASE("custom laws: fixed, exponential, list and an exim rule string") {
  const auto fixed = std::get<CustomRetry>(load(one_mta("{fixed: 30m, queue_lifetime: 2d}")));
  CHECK(std::get<FixedGaps>(fixed.gaps).interval == Duration::minutes(30));
  CHECK(fixed.queue_lifetime == Duration::days(2));
  const auto exp = std::get<CustomRetry>(
      load(one_mta("{exponential: {initial: 5m, factor: 1.5, maximum: 4h}}")));
  CHECK(std::get<ExponentialGaps>(exp.gaps).factor_permille == 1500);
  CHECK(std::get<ExponentialGaps>(exp.gaps).maximum == Duration::hours(4));
  const auto list = std::get<CustomRetry>(load(one_mta("{list: [2m, 5m, 10m, 1h]}")));
  CHECK(std::get<ListGaps>(list.gaps).gaps.back() == Duration::hours(1));
  const auto exim =
      std::get<EximRetry>(load(one_mta("{exim: \"F,2h,15m; G,16h,1h,1.5; F,4d,6h\"}")));
  CHECK(exim.rules.size() == 3);
}

TEST_CASE("an MTA's retry mapping without a law adjusts the law it inherits") {
  const auto e = std::get<EximRetry>(
      load(one_mta("{queue_run_interval: 10m}", "retry: {preset: exim, retry_interval_max: 12h}")));
  CHECK(e.queue_run_interval == Duration::minutes(10));
  CHECK(e.retry_interval_max == Duration::hours(12));
}

TEST_CASE("bad retry keys name the line, the key and what would be valid") {
  InputError e = error(one_mta("posfix"));
  CHECK(e.where().line == 4);
  CHECK(e.where().key == "mtas[0].retry");
  CHECK(e.problem() == "unknown retry preset 'posfix'");
  CHECK(e.hint().starts_with("did you mean 'postfix'? use one of: postfix, exim, sendmail"));

  e = error(one_mta("{exim: \"F,2h,15m; G,16h,1h\"}"));
  CHECK(e.where().key == "mtas[0].retry.exim");
  CHECK(e.problem() == "rule 2 'G,16h,1h': G needs a cutoff, a starting interval and a factor");

  e = error(one_mta("{exponential: {initial: 5m, factor: 1, maximum: 4h}}"));
  CHECK(e.where().key == "mtas[0].retry.exponential.factor");
  CHECK(e.problem() == "a factor of 1 does not make the gaps grow");

  e = error(one_mta("{fixed: 0s}"));
  CHECK(e.where().key == "mtas[0].retry.fixed");
  CHECK(e.problem() == "this duration must be positive");

  e = error(one_mta("{list: []}"));
  CHECK(e.problem() == "a retry list needs at least one gap");

  e = error(one_mta("{preset: postfix, fixed: 30m}"));
  CHECK(e.problem() == "a retry law is one of preset, fixed, exponential, list or exim");

  e = error(one_mta("{preset: qmail, delay_warning: 4h}"));
  CHECK(e.where().key == "mtas[0].retry.delay_warning");
  CHECK(e.hint() == "known keys here: preset, queue_lifetime");

  e = error(one_mta("{preset: postfix, minimal_backoff_time: 2h}"));
  CHECK(e.problem() == "maximal_backoff_time 1h6m40s is below minimal_backoff_time 2h");

  e = error(one_mta("exim", "queue_lifetime: 3d"));
  CHECK(e.where().key == "defaults.queue_lifetime");
  CHECK(e.problem() == "the queue lifetime is part of the retry law now");
}
