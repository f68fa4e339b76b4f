#include "scenario/load_retry.h"

#include <string>
#include <utility>
#include <variant>

namespace mailsim::scenario {

namespace {

constexpr const char* kCustomLaws =
    "or a custom law: {fixed: 30m}, {exponential: {initial: 5m, factor: 2, maximum: 4h}}, "
    "{list: [2m, 5m, 10m, 1h]} or {exim: \"F,2h,15m; G,16h,1h,1.5; F,4d,6h\"}";

Duration positive(const Yaml& y) {
  const Duration d = y.as_duration();
  if (d <= Duration{}) y.fail("this duration must be positive", "for example 30m");
  return d;
}

// m[key], if present, into `out`: a positive duration, or also zero with `zero_is_off`
// (a delay warning, queue age or queue run switched off).
void read_duration(const Yaml& m, std::string_view key, Duration& out, bool zero_is_off) {
  if (!m.has(key)) return;
  out = zero_is_off ? m[key].as_duration() : positive(m[key]);
}

mta::RetryConfig preset(const Yaml& y) {
  return *mta::retry_preset(y.as_one_of(mta::kRetryPresets, "retry preset", kCustomLaws));
}

mta::ExponentialGaps exponential(const Yaml& y) {
  const Yaml e = y.expect_map();
  e.allow_only({"initial", "factor", "maximum"});
  mta::ExponentialGaps g;
  read_duration(e, "initial", g.initial, false);
  read_duration(e, "maximum", g.maximum, false);
  if (e.has("factor")) g.factor_permille = e["factor"].parse_with(mta::parse_retry_factor);
  if (g.maximum < g.initial) {
    e.fail("the maximum gap " + to_string(g.maximum) + " is below the initial one " +
           to_string(g.initial));
  }
  return g;
}

mta::ListGaps gap_list(const Yaml& y) {
  const Yaml list = y.expect_sequence();
  if (list.size() == 0)
    list.fail("a retry list needs at least one gap", "for example [5m, 30m, 2h]");
  mta::ListGaps g;
  for (std::size_t i = 0; i < list.size(); ++i) g.gaps.push_back(positive(list.at(i)));
  return g;
}

// The law a mapping names, if it names one; otherwise `law` stays as it is.
void read_law(const Yaml& m, mta::RetryConfig& law) {
  int named = 0;
  for (const char* key : {"preset", "fixed", "exponential", "list", "exim"}) named += m.has(key);
  if (named > 1) {
    m.fail("a retry law is one of preset, fixed, exponential, list or exim",
           "give one of them, and the parameters to change beside it");
  }
  const auto custom = [&](auto gaps) {
    mta::CustomRetry c;
    c.gaps = std::move(gaps);
    law = std::move(c);
  };
  if (m.has("preset")) {
    law = preset(m["preset"]);
  } else if (m.has("exim")) {
    mta::EximRetry exim;
    exim.rules = m["exim"].parse_with(mta::parse_exim_rules);
    law = std::move(exim);
  } else if (m.has("fixed")) {
    custom(mta::FixedGaps{positive(m["fixed"])});
  } else if (m.has("exponential")) {
    custom(exponential(m["exponential"]));
  } else if (m.has("list")) {
    custom(gap_list(m["list"]));
  }
}

// The parameters each law lets a scenario change, with the MTA's own names where it has
// one (scenarios/README.md lists them). Zero switches a delay warning or a queue age off.
void read_overrides(const Yaml& m, mta::PostfixRetry& l) {
  m.allow_only({"preset", "minimal_backoff_time", "maximal_backoff_time", "queue_run_delay",
                "queue_lifetime", "delay_warning"});
  read_duration(m, "minimal_backoff_time", l.minimal_backoff_time, false);
  read_duration(m, "maximal_backoff_time", l.maximal_backoff_time, false);
  read_duration(m, "queue_run_delay", l.queue_run_delay, false);
  read_duration(m, "queue_lifetime", l.maximal_queue_lifetime, false);
  read_duration(m, "delay_warning", l.delay_warning_time, true);
  if (l.maximal_backoff_time < l.minimal_backoff_time) {
    m.fail("maximal_backoff_time " + to_string(l.maximal_backoff_time) +
           " is below minimal_backoff_time " + to_string(l.minimal_backoff_time));
  }
}

void read_overrides(const Yaml& m, mta::EximRetry& l) {
  m.allow_only(
      {"preset", "exim", "rules", "retry_interval_max", "queue_run_interval", "delay_warning"});
  if (m.has("rules")) {
    if (m.has("exim")) m["rules"].fail("the rules are already given by exim:");
    l.rules = m["rules"].parse_with(mta::parse_exim_rules);
  }
  read_duration(m, "retry_interval_max", l.retry_interval_max, false);
  read_duration(m, "queue_run_interval", l.queue_run_interval, false);
  read_duration(m, "delay_warning", l.delay_warning, true);
}

void read_overrides(const Yaml& m, mta::SendmailRetry& l) {
  m.allow_only({"preset", "queue_run_interval", "min_queue_age", "max_queue_age", "queue_lifetime",
                "delay_warning"});
  read_duration(m, "queue_run_interval", l.queue_run_interval, false);
  read_duration(m, "min_queue_age", l.min_queue_age, true);
  read_duration(m, "max_queue_age", l.max_queue_age, true);
  read_duration(m, "queue_lifetime", l.queue_return, false);
  read_duration(m, "delay_warning", l.queue_warn, true);
}

void read_overrides(const Yaml& m, mta::QmailRetry& l) {
  m.allow_only({"preset", "queue_lifetime"});
  read_duration(m, "queue_lifetime", l.queuelifetime, false);
}

void read_overrides(const Yaml& m, mta::OpenSmtpdRetry& l) {
  m.allow_only({"preset", "queue_lifetime", "delay_warning"});
  read_duration(m, "queue_lifetime", l.queue_ttl, false);
  read_duration(m, "delay_warning", l.warn_interval, true);
}

void read_overrides(const Yaml& m, mta::CustomRetry& l) {
  m.allow_only({"preset", "fixed", "exponential", "list", "queue_lifetime", "delay_warning",
                "queue_run_interval"});
  read_duration(m, "queue_lifetime", l.queue_lifetime, false);
  read_duration(m, "delay_warning", l.delay_warning, true);
  read_duration(m, "queue_run_interval", l.queue_run_interval, true);
}

}  // namespace

void read_retry(const Yaml& y, mta::RetryConfig& law) {
  if (y.is_scalar()) {
    law = preset(y);
    return;
  }
  if (!y.is_map()) y.fail("expected a retry preset name or a mapping", kCustomLaws);
  y.check_keys();
  read_law(y, law);
  std::visit([&](auto& l) { read_overrides(y, l); }, law);
}

}  // namespace mailsim::scenario
