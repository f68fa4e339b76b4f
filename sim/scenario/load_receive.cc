#include "scenario/load_receive.h"

#include <algorithm>
#include <string>

namespace mailsim::scenario {

namespace {

constexpr const char* kReplyExample = "for example \"451 4.3.0 Temporary lookup failure\"";

bool digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// "451 4.7.1 Come back later": a 4xx or 5xx code, an optional enhanced code of the same
// class (RFC 3463: class.subject.detail) and a text.
smtp::Reply read_reply(const Yaml& y) {
  const std::string s = y.as_string();
  const auto space = s.find(' ');
  const std::string code = s.substr(0, space);
  if (code.size() != 3 || !digits(code) || (code[0] != '4' && code[0] != '5')) {
    y.fail("'" + s + "' does not start with a 4xx or 5xx reply code", kReplyExample);
  }
  std::string rest = space == std::string::npos ? "" : s.substr(space + 1);
  std::string enhanced;
  const std::string word = rest.substr(0, rest.find(' '));
  const auto dot1 = word.find('.');
  const auto dot2 = dot1 == std::string::npos ? dot1 : word.find('.', dot1 + 1);
  if (dot2 != std::string::npos && digits(word.substr(0, dot1)) &&
      digits(word.substr(dot1 + 1, dot2 - dot1 - 1)) && digits(word.substr(dot2 + 1))) {
    if (word[0] != code[0]) {
      y.fail("the enhanced code " + word + " does not match the reply code " + code,
             "a " + code + " reply has an enhanced code " + code[0] + ".x.y");
    }
    enhanced = word;
    rest = word.size() < rest.size() ? rest.substr(word.size() + 1) : "";
  }
  if (rest.empty()) y.fail("'" + s + "' has no reply text", kReplyExample);
  return smtp::make_reply(std::stoi(code), enhanced, rest);
}

void read_duration(const Yaml& m, std::string_view key, Duration& out) {
  if (m.has(key)) out = m[key].as_duration();
}

mta::GreylistConfig read_greylisting(const Yaml& y, const mta::GreylistConfig& inherited) {
  static constexpr std::string_view kMore =
      "or false, or a mapping such as {preset: postgrey, delay: 10m} or {delay: 20m, reply: "
      "\"451 4.7.1 Try again later\"}";
  if (y.is_scalar()) {
    const std::string s = y.as_string();
    if (s == "false" || s == "no" || s == "off") return {};
    return *mta::greylist_preset(
        y.as_one_of(mta::kGreylistPresets, "greylisting preset", std::string(kMore)));
  }
  const Yaml m = y.expect_map();
  m.allow_only({"preset", "delay", "retry_window", "pass_lifetime", "whitelist_client_after",
                "prefix_bits", "reply"});
  mta::GreylistConfig g = inherited;
  if (m.has("preset")) {
    g = *mta::greylist_preset(
        m["preset"].as_one_of(mta::kGreylistPresets, "greylisting preset", std::string(kMore)));
  } else if (!g.enabled) {  // custom: postgrey's numbers for what is not given
    g = *mta::greylist_preset("postgrey");
    g.preset = "custom";
  }
  read_duration(m, "delay", g.delay);
  read_duration(m, "retry_window", g.retry_window);
  read_duration(m, "pass_lifetime", g.pass_lifetime);
  if (g.retry_window < g.delay) {
    m.fail("the retry window " + to_string(g.retry_window) + " is shorter than the delay " +
               to_string(g.delay),
           "no retry could ever pass; give a retry_window of at least the delay");
  }
  if (m.has("whitelist_client_after")) {
    g.whitelist_client_after = static_cast<int>(m["whitelist_client_after"].as_int(0, 1'000'000));
  }
  if (m.has("prefix_bits")) g.prefix_bits = static_cast<int>(m["prefix_bits"].as_int(0, 32));
  if (m.has("reply")) {
    const smtp::Reply r = read_reply(m["reply"]);
    g.code = r.code;
    g.enhanced = r.enhanced;
    g.text = r.lines.front();
  }
  return g;
}

}  // namespace

void read_receive(const Yaml& y, mta::MtaConfig& cfg) {
  const Yaml m = y.expect_map();
  m.allow_only({"greylisting", "max_connections_per_client", "max_recipients", "content_filter",
                "submission", "open_relay"});
  mta::ReceiveConfig& r = cfg.receive;
  if (m.has("greylisting")) r.greylist = read_greylisting(m["greylisting"], r.greylist);
  if (m.has("max_connections_per_client")) {
    r.max_connections_per_client =
        static_cast<int>(m["max_connections_per_client"].as_int(0, 1'000'000));
  }
  if (m.has("max_recipients")) {
    r.max_recipients = static_cast<int>(m["max_recipients"].as_int(1, 1'000'000));
  }
  if (m.has("content_filter")) {
    const Yaml f = m["content_filter"].expect_map();
    f.allow_only({"per_message", "per_kib"});
    read_duration(f, "per_message", r.filter_per_message);
    read_duration(f, "per_kib", r.filter_per_kib);
  }
  if (m.has("submission")) {
    r.submission = m["submission"].as_bool();
    if (r.submission && cfg.auth_users.empty()) {
      m["submission"].fail("submission requires AUTH, but this MTA has no auth_users",
                           "give the MTA auth_users: {alice: secret} (not under defaults:)");
    }
  }
  if (m.has("open_relay")) r.open_relay = m["open_relay"].as_bool();
}

std::size_t read_degraded_reply(const Yaml& f, ScenarioConfig& c) {
  for (const char* key : {"target", "command", "reply"}) {
    if (!f.has(key)) {
      f.fail(std::string("a degraded_reply fault needs ") + key,
             "for example: {type: degraded_reply, target: college, command: rcpt, reply: \"451 "
             "4.3.0 Temporary lookup failure\", start: 1h, duration: 2h}");
    }
  }
  const std::string target = f["target"].as_string();
  const auto entry = std::find_if(c.mtas.begin(), c.mtas.end(),
                                  [&](const MtaEntry& e) { return e.mta.name == target; });
  if (entry == c.mtas.end()) f["target"].fail("no MTA named '" + target + "'");
  mta::DegradedReply d;
  const std::string command = f["command"].as_one_of(mta::kSmtpStages, "command");
  d.stage = static_cast<mta::SmtpStage>(
      std::find(mta::kSmtpStages.begin(), mta::kSmtpStages.end(), command) -
      mta::kSmtpStages.begin());
  d.reply = read_reply(f["reply"]);
  entry->mta.receive.degraded.push_back(std::move(d));
  return entry->mta.receive.degraded.size() - 1;
}

}  // namespace mailsim::scenario
