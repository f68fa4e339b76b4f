#include "scenario/load_traffic.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <utility>

#include "mailsim/core/text.h"
#include "mailsim/core/units.h"
#include "scenario/load_clients.h"

namespace mailsim::scenario {

namespace {

// A Subject: field's text, on one line: a line break in it would end the field and start
// another (a second Message-ID:, say) in the header the message is composed with.
std::string subject_of(const Yaml& y) {
  std::string subject = y.as_string();
  if (subject.find_first_of("\r\n") != std::string::npos) {
    y.fail("a subject is one line of text",
           "remove the line breaks (a block scalar, | or >, keeps them)");
  }
  return subject;
}

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

// A decimal number in [min, max].
double read_number(const Yaml& y, double min, double max, const std::string& example) {
  const std::string s = y.as_string();
  char* end = nullptr;
  const double v = std::strtod(s.c_str(), &end);
  if (s.empty() || end != s.c_str() + s.size() || !std::isfinite(v))
    y.fail("'" + s + "' is not a number", example);
  if (v < min || v > max) {
    std::ostringstream range;
    range << "give a number from " << min << " to " << max << "; " << example;
    y.fail("'" + s + "' is out of range", range.str());
  }
  return v;
}

// "500/d", "20/h", "3/min", "1000/7d": messages per period, as messages per second.
double read_rate(const Yaml& y) {
  const std::string s = y.as_string();
  const auto slash = s.find('/');
  constexpr const char* kHint = "write messages per period: 500/d, 20/h, 3/min or 1000/7d";
  if (slash == std::string::npos) y.fail("'" + s + "' is not a rate", kHint);
  char* end = nullptr;
  const std::string count = s.substr(0, slash);
  const double n = std::strtod(count.c_str(), &end);
  if (count.empty() || end != count.c_str() + count.size() || !std::isfinite(n) || n <= 0)
    y.fail("'" + s + "' does not start with a positive number of messages", kHint);
  std::string period = s.substr(slash + 1);
  if (!period.empty() && std::isalpha(static_cast<unsigned char>(period[0]))) period = "1" + period;
  Duration d;
  try {
    d = parse_duration(period);
  } catch (const InputError&) {
    y.fail("'" + s + "': '" + s.substr(slash + 1) + "' is not a period", kHint);
  }
  if (d <= Duration{}) y.fail("'" + s + "': the period must be positive", kHint);
  return n / d.seconds();
}

// A name that can start a Message-ID and a random stream's name.
std::string read_name(const Yaml& y) {
  const std::string s = y.as_string();
  const bool ok = !s.empty() && std::all_of(s.begin(), s.end(), [](char ch) {
    return std::isalnum(static_cast<unsigned char>(ch)) || ch == '-' || ch == '_';
  });
  if (!ok) y.fail("'" + s + "' cannot name traffic", "use letters, digits, '-' and '_'");
  return s;
}

// Populations already read: a generated scenario gives a thousand groups the same
// population (a YAML alias), which is read, parsed and held once.
struct Populations {
  // By node (see Yaml::same_node), keyed by the node's offset in the file: an alias is
  // found without reading its items again.
  std::multimap<std::size_t, std::pair<Yaml, workload::AddressSet>> by_node;
  std::map<std::string, workload::AddressSet> by_items;  // items joined by '\n'
};

workload::AddressSet read_addresses(const Yaml& y, Populations& seen) {
  const auto [first, last] = seen.by_node.equal_range(y.offset());
  for (auto it = first; it != last; ++it) {
    if (it->second.first.same_node(y)) return it->second.second;
  }
  const std::vector<std::string> items = y.as_string_list();
  if (items.empty()) y.fail("no addresses", "give an address, a pattern or a list of them");
  std::string key;
  for (const std::string& item : items) (key += item) += '\n';
  auto found = seen.by_items.find(key);
  if (found == seen.by_items.end()) {
    try {
      found = seen.by_items.emplace(std::move(key), workload::AddressSet::parse(items)).first;
    } catch (const InputError& e) {
      throw e.at(y.location());
    }
  }
  seen.by_node.emplace(y.offset(), std::pair{y, found->second});
  return found->second;
}

// A fixed value, {lognormal: {median: M, sigma: S}} or {empirical: [[value, weight], ...]};
// `value` reads one value (a size, a count).
template <class ReadValue>
workload::Quantity read_quantity(const Yaml& y, ReadValue value) {
  constexpr const char* kHint =
      "write a value, {lognormal: {median: M, sigma: S}} or {empirical: [[value, weight], ...]}";
  if (y.is_scalar()) return workload::Quantity::fixed(value(y));
  if (!y.is_map()) y.fail("not a distribution", kHint);
  y.allow_only({"lognormal", "empirical"});
  if (y.has("lognormal") == y.has("empirical")) y.fail("give one distribution", kHint);
  if (y.has("lognormal")) {
    const Yaml l = y["lognormal"].expect_map();
    l.allow_only({"median", "sigma"});
    if (!l.has("median") || !l.has("sigma"))
      l.fail("a lognormal needs median and sigma", "for example {median: 20KiB, sigma: 1.2}");
    return workload::Quantity::lognormal(value(l["median"]),
                                         read_number(l["sigma"], 0, 10, "for example sigma: 1.2"));
  }
  const Yaml list = y["empirical"].expect_sequence();
  if (list.size() == 0) list.fail("an empirical distribution needs values", kHint);
  std::vector<double> values;
  std::vector<double> weights;
  double total = 0;
  for (std::size_t i = 0; i < list.size(); ++i) {
    const Yaml pair = list.at(i).expect_sequence();
    if (pair.size() != 2) pair.fail("write each entry as [value, weight]", kHint);
    values.push_back(value(pair.at(0)));
    weights.push_back(read_number(pair.at(1), 0, 1e12, "weights are relative, e.g. 70"));
    total += weights.back();
  }
  if (total <= 0) list.fail("all weights are zero", "give at least one a positive weight");
  return workload::Quantity::empirical(std::move(values), weights);
}

double read_message_size(const Yaml& y) {
  const std::int64_t size = y.as_size();
  if (size < 1 || size > workload::kMaxMessageSize)
    y.fail("a message size of " + format_size(size) + " is out of range", "give 1B to 1GiB");
  return static_cast<double>(size);
}

double read_recipient_count(const Yaml& y) { return static_cast<double>(y.as_int(1, 100'000)); }

// The 24 hourly multipliers, or a named profile.
workload::DailyProfile read_profile(const Yaml& y) {
  if (y.is_scalar()) {
    static constexpr std::string_view kNames[] = {"flat", "office"};
    return y.as_one_of(kNames, "profile", "or 24 hourly multipliers") == "flat"
               ? workload::kFlatProfile
               : workload::kOfficeProfile;
  }
  const Yaml list = y.expect_sequence();
  if (list.size() != 24)
    list.fail("a profile has 24 hourly multipliers, not " + std::to_string(list.size()),
              "one per hour from 00:00 to 23:00 UTC, or flat or office");
  workload::DailyProfile p{};
  double sum = 0;
  for (std::size_t h = 0; h < 24; ++h) {
    p[h] = read_number(list.at(h), 0, 1e6, "a multiplier such as 0.5 or 2");
    sum += p[h];
  }
  if (sum <= 0) list.fail("every hour has rate 0", "give at least one hour a positive multiplier");
  return p;
}

void read_group(const Yaml& g, Populations& seen, ScenarioConfig& c) {
  g.expect_map().allow_only({"name", "origin", "client", "from", "to", "rate", "profile", "zipf",
                             "recipients", "size", "subject", "start", "end"});
  for (const char* key : {"name", "from", "to", "rate"}) {
    if (!g.has(key))
      g.fail(std::string("a sender group needs ") + key,
             "for example: {name: staff, origin: college, from: \"staff{1..50}@college.example\", "
             "to: \"user{1..500}@example.org\", rate: 200/d}");
  }
  workload::SenderGroup s;
  s.name = read_name(g["name"]);
  read_submitter(g, c, s.origin, s.client,
                 "add origin: <MTA>, or client: <one of clients:>, for example origin: college");
  s.senders = read_addresses(g["from"], seen);
  s.recipients.population = read_addresses(g["to"], seen);
  s.rate_per_second = read_rate(g["rate"]);
  if (g.has("profile")) s.profile = read_profile(g["profile"]);
  if (g.has("zipf")) s.recipients.zipf_exponent = read_number(g["zipf"], 0.01, 10, "zipf: 1.0");
  if (g.has("recipients")) s.per_message = read_quantity(g["recipients"], read_recipient_count);
  if (g.has("size")) s.size = read_quantity(g["size"], read_message_size);
  if (g.has("subject")) s.subject = subject_of(g["subject"]);
  if (g.has("start")) s.start = Time::zero() + g["start"].as_duration();
  if (g.has("end")) {
    s.end = Time::zero() + g["end"].as_duration();
    if (*s.end <= s.start) g["end"].fail("the group ends before it starts");
  }
  c.groups.push_back(std::move(s));
}

void read_burst(const Yaml& b, std::size_t index, Populations& seen, ScenarioConfig& c) {
  b.expect_map().allow_only(
      {"name", "at", "origin", "client", "from", "to", "count", "per_message", "size", "subject"});
  for (const char* key : {"at", "from", "to"}) {
    if (!b.has(key))
      b.fail(std::string("a burst needs ") + key,
             "for example: {at: 9h, origin: lists, from: news@lists.example.edu, "
             "to: \"user{1..5000}@example.edu\"}");
  }
  workload::Burst s;
  s.name = b.has("name") ? read_name(b["name"]) : "burst" + std::to_string(index + 1);
  s.at = Time::zero() + b["at"].as_duration();
  read_submitter(b, c, s.origin, s.client,
                 "add origin: <MTA>, or client: <one of clients:>, for example origin: lists");
  s.sender = b["from"].as_string();
  check_address(b["from"], s.sender);
  s.recipients = read_addresses(b["to"], seen);
  s.count = s.recipients.size();
  if (b.has("count")) {
    s.count = static_cast<std::uint64_t>(
        b["count"].as_int(1, static_cast<std::int64_t>(s.recipients.size())));
  }
  if (b.has("per_message")) {
    s.per_message = static_cast<std::uint64_t>(b["per_message"].as_int(1, 100'000));
  }
  if (b.has("size")) s.size = read_quantity(b["size"], read_message_size);
  if (b.has("subject")) s.subject = subject_of(b["subject"]);
  c.bursts.push_back(std::move(s));
}

void check_unique_names(const Yaml& t, const ScenarioConfig& c) {
  std::set<std::string> seen;
  for (const auto& g : c.groups) {
    if (!seen.insert(g.name).second)
      t["groups"].fail("two sender groups are named '" + g.name + "'", "give each its own name");
  }
  for (const auto& b : c.bursts) {
    if (!seen.insert(b.name).second)
      t["bursts"].fail("the name '" + b.name + "' is used twice",
                       "groups and bursts each need their own name");
  }
}

// A pattern of one range is kept as that range. One of several is spelled out name by
// name: parsing could not tell its numbers apart ("a{1..12}{1..3}" names a111 twice).
// `set`: the pattern with "@x" after it.
void add_pattern(const workload::AddressSet& set, mta::MailboxSet& out) {
  if (const auto range = set.one_range()) {
    const std::string_view suffix = range->suffix.substr(0, range->suffix.size() - 2);
    return out.add_range(range->prefix, range->first, range->last, suffix);
  }
  for (std::uint64_t k = 0; k < set.size(); ++k) {
    const std::string a = set.at(k);
    out.add(std::string_view(a).substr(0, a.size() - 2));
  }
}

}  // namespace

mta::MailboxSet read_mailboxes(const Yaml& y) {
  mta::MailboxSet out;
  const std::vector<std::string> items = y.as_string_list();
  for (std::size_t i = 0; i < items.size(); ++i) {
    const Yaml item = y.is_sequence() ? y.at(i) : y;
    if (items[i].find_first_of("{}@") == std::string::npos) {
      out.add(items[i]);
      continue;
    }
    if (items[i].find('@') != std::string::npos)
      item.fail("'" + items[i] + "' is not a local part",
                "write bob, or a pattern such as u{1..500}");
    // A local part pattern is an address pattern without its domain.
    workload::AddressSet set;
    try {
      set = workload::AddressSet::parse({items[i] + "@x"});
    } catch (const InputError&) {
      item.fail("'" + items[i] + "' is not a local part or pattern", "write bob, or u{1..500}");
    }
    if (set.size() > 10'000'000) item.fail("more than 10,000,000 mailboxes", "use a smaller range");
    add_pattern(set, out);
  }
  return out;
}

void read_traffic(const Yaml& t, ScenarioConfig& c) {
  t.expect_map().allow_only({"messages", "groups", "bursts"});
  Populations seen;
  if (t.has("groups")) {
    const Yaml list = t["groups"].expect_sequence();
    for (std::size_t i = 0; i < list.size(); ++i) read_group(list.at(i), seen, c);
  }
  if (t.has("bursts")) {
    const Yaml list = t["bursts"].expect_sequence();
    for (std::size_t i = 0; i < list.size(); ++i) read_burst(list.at(i), i, seen, c);
  }
  check_unique_names(t, c);
  if (!t.has("messages")) return;
  const Yaml list = t["messages"].expect_sequence();
  for (std::size_t i = 0; i < list.size(); ++i) {
    const Yaml m = list.at(i).expect_map();
    m.allow_only({"at", "origin", "client", "from", "to", "size", "subject", "notify", "ret"});
    for (const char* key : {"at", "from", "to"}) {
      if (!m.has(key))
        m.fail(std::string("a message needs ") + key,
               "for example: {at: 0s, origin: outside, from: a@example.org, to: b@example.edu}");
    }
    workload::ExplicitMessage msg;
    msg.at = Time::zero() + m["at"].as_duration();
    read_submitter(m, c, msg.origin, msg.client,
                   "add origin: <MTA>, or client: <one of clients:>, for example origin: outside");
    msg.sender = m["from"].as_string();
    check_address(m["from"], msg.sender);
    msg.recipients = m["to"].as_string_list();
    if (msg.recipients.empty()) m["to"].fail("a message needs at least one recipient");
    for (const auto& r : msg.recipients) check_address(m["to"], r);
    if (m.has("size")) msg.size_bytes = m["size"].as_size();
    if (msg.size_bytes > workload::kMaxMessageSize) {
      m["size"].fail(
          "a message of " + format_size(msg.size_bytes) + " is too large to simulate",
          "give at most 1GiB; to test a size limit, set message_size_limit below the size");
    }
    if (m.has("subject")) msg.subject = subject_of(m["subject"]);
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
