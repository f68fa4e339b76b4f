#include "scenario/load_traffic.h"

#include <algorithm>
#include <string>
#include <utility>

#include "mailsim/core/units.h"

namespace mailsim::scenario {

namespace {

constexpr std::int64_t kMaxMessageSize = std::int64_t{1} << 30;

void check_address(const Yaml& y, const std::string& address) {
  const auto at = address.find('@');
  if (at == std::string::npos || at == 0 || at + 1 == address.size()) {
    y.fail("'" + address + "' is not a mail address", "write it as user@domain");
  }
}

// NOTIFY= (RFC 3461): never, or any of success, failure and delay.
std::uint8_t read_notify(const Yaml& y) {
  static constexpr std::string_view kChoices[] = {"never", "success", "failure", "delay"};
  static constexpr smtp::NotifyFlag kFlags[] = {smtp::kNotifyNever, smtp::kNotifySuccess,
                                                smtp::kNotifyFailure, smtp::kNotifyDelay};
  std::uint8_t notify = 0;
  const std::vector<std::string> words = y.as_string_list();
  for (std::size_t i = 0; i < words.size(); ++i) {
    const Yaml word = y.is_sequence() ? y.at(i) : y;
    const std::string w = word.as_one_of(kChoices, "notify value");
    notify |= kFlags[std::find(std::begin(kChoices), std::end(kChoices), w) - kChoices];
  }
  if ((notify & smtp::kNotifyNever) != 0 && notify != smtp::kNotifyNever) {
    y.fail("never cannot be combined with other notify values", "write notify: never");
  }
  if (notify == 0) y.fail("notify needs a value", "write notify: [failure, delay]");
  return notify;
}

}  // namespace

void read_traffic(const Yaml& t, ScenarioConfig& c) {
  t.expect_map().allow_only({"messages"});
  if (!t.has("messages")) return;
  const Yaml list = t["messages"].expect_sequence();
  for (std::size_t i = 0; i < list.size(); ++i) {
    const Yaml m = list.at(i).expect_map();
    m.allow_only({"at", "origin", "from", "to", "size", "subject", "notify", "ret"});
    for (const char* key : {"at", "origin", "from", "to"}) {
      if (!m.has(key))
        m.fail(std::string("a message needs ") + key,
               "for example: {at: 0s, origin: outside, from: a@example.org, to: b@example.edu}");
    }
    workload::ExplicitMessage msg;
    msg.at = Time::zero() + m["at"].as_duration();
    msg.origin = m["origin"].as_string();
    if (std::none_of(c.mtas.begin(), c.mtas.end(),
                     [&](const MtaEntry& e) { return e.mta.name == msg.origin; })) {
      m["origin"].fail("no MTA named '" + msg.origin + "'", "name one of the MTAs under mtas:");
    }
    msg.sender = m["from"].as_string();
    check_address(m["from"], msg.sender);
    msg.recipients = m["to"].as_string_list();
    if (msg.recipients.empty()) m["to"].fail("a message needs at least one recipient");
    for (const auto& r : msg.recipients) check_address(m["to"], r);
    if (m.has("size")) msg.size_bytes = m["size"].as_size();
    if (msg.size_bytes > kMaxMessageSize) {
      m["size"].fail(
          "a message of " + format_size(msg.size_bytes) + " is too large to simulate",
          "give at most 1GiB; to test a size limit, set message_size_limit below the size");
    }
    if (m.has("subject")) msg.subject = m["subject"].as_string();
    if (m.has("notify")) msg.notify = read_notify(m["notify"]);
    if (m.has("ret")) {
      static constexpr std::string_view kRet[] = {"full", "hdrs"};
      msg.ret = m["ret"].as_one_of(kRet, "ret value") == "full" ? smtp::DsnReturn::kFull
                                                                : smtp::DsnReturn::kHeaders;
    }
    c.messages.push_back(std::move(msg));
  }
  std::stable_sort(c.messages.begin(), c.messages.end(),
                   [](const auto& a, const auto& b) { return a.at < b.at; });
}

}  // namespace mailsim::scenario
