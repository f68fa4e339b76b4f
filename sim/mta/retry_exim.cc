// Exim's retry rules (reference §1, Exim rows; retry.c, readconf.c).
#include "mta/retry_exim.h"

#include <algorithm>
#include <string>
#include <vector>

#include "mailsim/core/error.h"
#include "mailsim/core/units.h"

namespace mailsim::mta {

namespace {

constexpr const char* kRulesHint =
    "write rules as F,<cutoff>,<interval>; G,<cutoff>,<start>,<factor>; "
    "H,<cutoff>,<start>,<factor> (Exim's default is \"F,2h,15m; G,16h,1h,1.5; F,4d,6h\")";

std::string_view trim(std::string_view s) {
  const auto first = s.find_first_not_of(" \t");
  if (first == std::string_view::npos) return {};
  return s.substr(first, s.find_last_not_of(" \t") - first + 1);
}

std::vector<std::string_view> split(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  for (std::size_t start = 0;;) {
    const auto end = s.find(sep, start);
    out.push_back(trim(s.substr(start, end - start)));
    if (end == std::string_view::npos) return out;
    start = end + 1;
  }
}

// Parses one rule; `where` ("rule 2 'G,16h,1h'") prefixes every complaint.
EximRule parse_rule(std::string_view text, const std::string& where) {
  const auto fail = [&](const std::string& problem, const std::string& hint = kRulesHint) {
    throw InputError(where + ": " + problem, hint);
  };
  const std::vector<std::string_view> fields = split(text, ',');
  const std::string letter(fields[0]);
  EximRule rule;
  if (letter == "F" || letter == "f") {
    rule.kind = EximRule::Kind::kFixed;
  } else if (letter == "G" || letter == "g") {
    rule.kind = EximRule::Kind::kGeometric;
  } else if (letter == "H" || letter == "h") {
    rule.kind = EximRule::Kind::kHeuristic;
  } else {
    fail("'" + letter + "' is not a rule letter: use F (fixed), G (geometric) or H (heuristic)");
  }
  const bool fixed = rule.kind == EximRule::Kind::kFixed;
  if (fields.size() != (fixed ? 3u : 4u)) {
    fail(fixed ? "F needs a cutoff and an interval"
               : letter + " needs a cutoff, a starting interval and a factor");
  }
  const auto duration = [&](std::string_view field, const char* name) {
    Duration d;
    try {
      d = parse_duration(field);
    } catch (const InputError& e) {
      fail(e.problem(), e.hint());
    }
    if (d <= Duration{}) fail(std::string("the ") + name + " must be positive");
    return d;
  };
  rule.cutoff = duration(fields[1], "cutoff");
  rule.interval = duration(fields[2], fixed ? "interval" : "starting interval");
  if (!fixed) {
    try {
      rule.factor_permille = parse_retry_factor(fields[3]);
    } catch (const InputError& e) {
      fail(e.problem(), e.hint());
    }
  }
  return rule;
}

}  // namespace

std::int64_t parse_retry_factor(std::string_view text) {
  const std::string shown(text);
  const auto dot = text.find('.');
  const std::string_view whole = text.substr(0, dot);
  const std::string_view fraction =
      dot == std::string_view::npos ? std::string_view{} : text.substr(dot + 1);
  const auto digits = [](std::string_view s) {
    return std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
  };
  if (whole.empty() || whole.size() > 6 || !digits(whole) || !digits(fraction) ||
      fraction.size() > 3 || (dot != std::string_view::npos && fraction.empty())) {
    throw InputError("'" + shown + "' is not a factor",
                     "write a decimal number above 1 with at most three decimals, such as 1.5");
  }
  std::int64_t permille = std::stoll(std::string(whole)) * 1000;
  std::int64_t scale = 100;
  for (char c : fraction) {
    permille += (c - '0') * scale;
    scale /= 10;
  }
  if (permille <= 1000) {
    throw InputError("a factor of " + shown + " does not make the gaps grow",
                     "give a factor above 1, such as 1.5 or 2");
  }
  return permille;
}

std::vector<EximRule> parse_exim_rules(std::string_view text) {
  if (trim(text).empty()) throw InputError("no retry rules", kRulesHint);
  std::vector<EximRule> rules;
  const std::vector<std::string_view> pieces = split(text, ';');
  for (std::size_t i = 0; i < pieces.size(); ++i) {
    const std::string where = "rule " + std::to_string(i + 1) + " '" + std::string(pieces[i]) + "'";
    if (pieces[i].empty()) throw InputError(where + " is empty", kRulesHint);
    EximRule rule = parse_rule(pieces[i], where);
    if (!rules.empty() && rule.cutoff <= rules.back().cutoff) {
      throw InputError(where + ": its cutoff " + to_string(rule.cutoff) +
                           " is not after the previous rule's " + to_string(rules.back().cutoff),
                       "cutoffs count from the first failure and must increase from rule to rule");
    }
    rules.push_back(rule);
  }
  return rules;
}

RetryVerdict exim_after_failure(const EximRetry& law, RetryRecord& r, const FailedAttempt& f,
                                RandomStream& rng) {
  const Time now = f.failed;
  if (r.failures++ == 0) r.first_failed = r.last_try = r.next_try = now;
  const Duration age = now - f.arrival;
  Duration failing = now - r.first_failed;
  // A message or address key counts the message's age if that is longer (Exim 4.61 on).
  if (f.scope != FailureScope::kHost) failing = std::max(failing, age);
  const auto current = std::find_if(law.rules.begin(), law.rules.end(),
                                    [&](const EximRule& rule) { return failing <= rule.cutoff; });
  // Past the last cutoff the key expires, and its next time still comes from the last rule.
  r.expired = current == law.rules.end();
  const EximRule& rule = r.expired ? law.rules.back() : *current;
  const Duration final_cutoff = law.rules.back().cutoff;
  const bool too_old = f.arrival <= r.first_failed && age > final_cutoff;

  Duration gap = rule.interval;
  if (rule.kind != EximRule::Kind::kFixed) {
    // lastgap = min(planned, actual): a late attempt does not inflate the next gap.
    const Duration last_gap = std::min(r.next_try - r.last_try, now - r.last_try);
    const Duration grown = scale_duration(last_gap, rule.factor_permille);
    if (rule.kind == EximRule::Kind::kGeometric) {
      gap = last_gap < rule.interval ? rule.interval : grown;
    } else if (grown > rule.interval) {  // H: random in the upper half [start + range/2, grown)
      const Duration range = grown - rule.interval;
      gap += Duration::nanoseconds(static_cast<std::int64_t>(
                 rng.uniform_int(static_cast<std::uint64_t>(range.ns())) / 2)) +
             range / 2;
    }
  }
  r.last_try = now;
  // A message too old for the rules leaves the key due at once, so that other messages
  // waiting for it are tried too (retry_update sets next_try = now).
  r.next_try = too_old ? now : now + std::min(gap, law.retry_interval_max);
  if (r.expired || too_old) return {true, now};
  return {false, std::min(r.next_try, f.arrival + final_cutoff + Duration::nanoseconds(1))};
}

}  // namespace mailsim::mta
