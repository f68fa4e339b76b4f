#include <algorithm>
#include <cstdio>
#include <map>
#include <set>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "mailsim/core/text.h"
#include "mailsim/scenario/config.h"
#include "mailsim/scenario/override.h"
#include "scenario/load_clients.h"
#include "scenario/load_faults.h"
#include "scenario/load_queue.h"
#include "scenario/load_receive.h"
#include "scenario/load_retry.h"
#include "scenario/load_traffic.h"
#include "scenario/override.h"
#include "scenario/references.h"
#include "scenario/yaml_reader.h"

namespace mailsim::scenario {

namespace {

// Days from 1970-01-01 to a proleptic Gregorian date (H. Hinnant's days_from_civil).
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

std::int64_t read_epoch(const Yaml& y) {
  const std::string s = y.as_string();
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  char z = 0;
  if (std::sscanf(s.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%c", &year, &month, &day, &hour, &minute,
                  &second, &z) != 7 ||
      z != 'Z' || month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 ||
      second > 60) {
    y.fail("'" + s + "' is not a UTC time", "write it as 2026-11-02T09:00:00Z");
  }
  return days_from_civil(year, static_cast<unsigned>(month), static_cast<unsigned>(day)) * 86400 +
         hour * 3600 + minute * 60 + second;
}

void read_hosts(const Yaml& list, ScenarioConfig& c) {
  list.expect_sequence();
  std::unordered_set<std::string> names;
  for (const HostConfig& other : c.hosts) names.insert(other.name);
  for (std::size_t i = 0; i < list.size(); ++i) {
    const Yaml h = list.at(i).expect_map();
    h.allow_only({"name", "kind"});
    if (!h.has("name")) h.fail("a host needs a name", "add name: <host name>");
    HostConfig host{h["name"].as_string(), false};
    if (h.has("kind")) {
      const std::string kind = h["kind"].as_string();
      if (kind != "host" && kind != "router")
        h["kind"].fail("unknown kind '" + kind + "'", "use host or router");
      host.router = kind == "router";
    }
    if (!names.insert(host.name).second) {
      h["name"].fail("host '" + host.name + "' is defined twice",
                     "give each host its own name; in a repeat, put the variable in it: "
                     "\"dept{i}\"");
    }
    c.hosts.push_back(std::move(host));
  }
}

void read_links(const Yaml& list, ScenarioConfig& c) {
  list.expect_sequence();
  for (std::size_t i = 0; i < list.size(); ++i) {
    const Yaml l = list.at(i).expect_map();
    l.allow_only({"between", "bandwidth", "latency"});
    for (const char* key : {"between", "bandwidth", "latency"}) {
      if (!l.has(key))
        l.fail(std::string("a link needs ") + key,
               "for example: {between: [a, b], bandwidth: 10Mbps, latency: 5ms}");
    }
    const std::vector<std::string> ends = l["between"].as_string_list();
    if (ends.size() != 2 || ends[0] == ends[1])
      l["between"].fail("a link joins two different hosts", "write between: [a, b]");
    for (const auto& end : ends) check_host(c, l["between"], end);
    const Duration latency = l["latency"].as_duration();
    if (latency > net::kMaxLinkLatency) {
      l["latency"].fail("a link latency of " + to_string(latency) + " is too long",
                        "give at most 1d");
    }
    c.links.push_back({ends[0], ends[1], l["bandwidth"].as_data_rate(), latency});
  }
}

void read_dns(const Yaml& d, ScenarioConfig& c) {
  d.expect_map().allow_only({"lookup_delay", "mx", "addresses"});
  if (d.has("lookup_delay")) c.dns.lookup_delay = d["lookup_delay"].as_duration();
  if (d.has("mx")) {
    for (const auto& [key, value] : d["mx"].expect_map().entries()) {
      for (const std::string& record : value.as_string_list()) {
        const auto space = record.find(' ');
        const std::string number = record.substr(0, space);
        const std::string exchange = space == std::string::npos ? "" : record.substr(space + 1);
        const bool digits = !number.empty() && number.size() <= 5 &&
                            std::all_of(number.begin(), number.end(),
                                        [](char ch) { return ch >= '0' && ch <= '9'; });
        const int preference = digits ? std::stoi(number) : -1;
        if (preference < 0 || preference > 65535 || exchange.empty() ||
            exchange.find_first_of(" \t") != std::string::npos) {
          value.fail("'" + record + "' is not an MX record",
                     "write \"10 mx.example.edu\" (preference, host), or \"0 .\" for a null MX");
        }
        c.dns.mx.push_back({ascii_lower(key.as_string()), preference, ascii_lower(exchange)});
      }
    }
  }
  if (d.has("addresses")) {
    for (const auto& [key, value] : d["addresses"].expect_map().entries()) {
      check_host(c, value, value.as_string());
      c.dns.addresses.emplace_back(ascii_lower(key.as_string()), value.as_string());
    }
  }
}

// The settings an MTA may take from defaults:.
void read_mta_settings(const Yaml& m, mta::MtaConfig& cfg) {
  if (m.has("queue_lifetime")) {
    m["queue_lifetime"].fail("the queue lifetime is part of the retry law now",
                             "write retry: {preset: postfix, queue_lifetime: 5d}");
  }
  if (m.has("retry")) read_retry(m["retry"], cfg.retry);
  if (m.has("receive")) read_receive(m["receive"], cfg);
  if (m.has("queue")) read_queue(m["queue"], cfg.queue);
  if (m.has("processing_delay")) cfg.processing_delay = m["processing_delay"].as_duration();
  if (m.has("message_size_limit")) cfg.message_size_limit = m["message_size_limit"].as_size();
  if (m.has("hopcount_limit")) {
    cfg.hopcount_limit = static_cast<int>(m["hopcount_limit"].as_int(2, 1'000'000));
  }
  if (m.has("timeouts")) {
    const Yaml t = m["timeouts"].expect_map();
    t.allow_only({"connect", "command", "data_init", "data_done", "server_idle"});
    if (t.has("connect")) cfg.timeouts.connect = t["connect"].as_duration();
    if (t.has("command")) cfg.timeouts.command = t["command"].as_duration();
    if (t.has("data_init")) cfg.timeouts.data_init = t["data_init"].as_duration();
    if (t.has("data_done")) cfg.timeouts.data_done = t["data_done"].as_duration();
    if (t.has("server_idle")) cfg.timeouts.server_idle = t["server_idle"].as_duration();
  }
}

#define MAILSIM_MTA_SETTING_KEYS                                                   \
  "retry", "queue_lifetime", "processing_delay", "message_size_limit", "timeouts", \
      "hopcount_limit", "receive", "queue"

std::set<std::string> lowered_set(const Yaml& y) {
  std::set<std::string> out;
  for (const auto& s : y.as_string_list()) out.insert(ascii_lower(s));
  return out;
}

// SMTP AUTH: the users the server accepts, and what its client authenticates with.
void read_auth(const Yaml& m, mta::MtaConfig& cfg) {
  if (m.has("auth_users")) {
    for (const auto& [key, value] : m["auth_users"].expect_map().entries()) {
      cfg.auth_users[key.as_string()] = value.as_string();
    }
  }
  if (m.has("client_auth")) {
    const Yaml a = m["client_auth"].expect_map();
    a.allow_only({"user", "password"});
    if (!a.has("user") || !a.has("password")) {
      a.fail("client_auth needs a user and a password",
             "write client_auth: {user: alice, password: secret}");
    }
    cfg.client_auth = smtp::Credentials{a["user"].as_string(), a["password"].as_string()};
  }
}

// The MTAs read so far by name, host and hostname: the index of each in c.mtas.
struct MtasSeen {
  std::unordered_map<std::string, std::size_t> name, host, hostname;
};

// The index of `key` in `seen`, or SIZE_MAX.
std::size_t index_of(const std::unordered_map<std::string, std::size_t>& seen,
                     const std::string& key) {
  const auto it = seen.find(key);
  return it == seen.end() ? SIZE_MAX : it->second;
}

void read_mtas(const Yaml& list, const mta::MtaConfig& defaults, ScenarioConfig& c) {
  list.expect_sequence();
  MtasSeen seen;
  for (std::size_t i = 0; i < list.size(); ++i) {
    const Yaml m = list.at(i).expect_map();
    m.allow_only({"name", "host", "hostname", "local_domains", "mailboxes", "relay_domains",
                  "transport", "relayhost", "auth_users", "client_auth", MAILSIM_MTA_SETTING_KEYS});
    for (const char* key : {"name", "host", "hostname"}) {
      if (!m.has(key))
        m.fail(std::string("an MTA needs ") + key,
               "for example: {name: college, host: college, hostname: mail.college.example.edu}");
    }
    MtaEntry e{m["host"].as_string(), defaults};
    check_host(c, m["host"], e.host);
    e.mta.name = m["name"].as_string();
    // The first earlier MTA with this name or host is the one the error names.
    const std::size_t same_name = index_of(seen.name, e.mta.name);
    const std::size_t same_host = index_of(seen.host, e.host);
    if (same_name != SIZE_MAX && same_name <= same_host) {
      m["name"].fail("MTA '" + e.mta.name + "' is defined twice",
                     "give each MTA its own name; in a repeat, put the variable in it: "
                     "\"dept{i}\"");
    }
    if (same_host != SIZE_MAX) {
      m["host"].fail("host '" + e.host + "' already runs MTA '" + c.mtas[same_host].mta.name + "'");
    }
    e.mta.hostname = ascii_lower(m["hostname"].as_string());
    if (const std::size_t other = index_of(seen.hostname, e.mta.hostname); other != SIZE_MAX) {
      m["hostname"].fail(
          "MTA '" + c.mtas[other].mta.name + "' already has hostname '" + e.mta.hostname + "'",
          "give each MTA its own DNS name");
    }
    seen.name.emplace(e.mta.name, c.mtas.size());
    seen.host.emplace(e.host, c.mtas.size());
    seen.hostname.emplace(e.mta.hostname, c.mtas.size());
    if (m.has("local_domains")) e.mta.local_domains = lowered_set(m["local_domains"]);
    if (m.has("mailboxes")) e.mta.mailboxes = read_mailboxes(m["mailboxes"]);
    if (m.has("relay_domains")) {
      for (std::string domain : lowered_set(m["relay_domains"])) {
        e.mta.relay_domains.insert(std::move(domain));
      }
    }
    if (m.has("transport")) {
      for (const auto& [key, value] : m["transport"].expect_map().entries()) {
        e.mta.transport[ascii_lower(key.as_string())] = ascii_lower(value.as_string());
      }
    }
    if (m.has("relayhost")) e.mta.relayhost = ascii_lower(m["relayhost"].as_string());
    read_auth(m, e.mta);
    read_mta_settings(m, e.mta);
    c.mtas.push_back(std::move(e));
  }
}

ScenarioConfig read_scenario(const Yaml& root, const std::string& path) {
  root.allow_only({"version", "name", "description", "seed", "duration", "epoch", "network",
                   "hosts", "links", "dns", "defaults", "mtas", "clients", "traffic", "faults"});
  if (root.has("version") && root["version"].as_string() != "1") {
    root["version"].fail("unknown scenario format version '" + root["version"].as_string() + "'",
                         "this mailsim reads version 1: write version: 1, or leave it out");
  }
  ScenarioConfig c;
  c.file = path;
  if (!root.has("name"))
    root.fail("a scenario needs a name", "add name: <short name>; it names the results file");
  c.name = root["name"].as_string();
  const bool plain = !c.name.empty() && std::all_of(c.name.begin(), c.name.end(), [](char ch) {
    return std::isalnum(static_cast<unsigned char>(ch)) || ch == '-' || ch == '_' || ch == '.';
  }) && c.name.front() != '.';
  if (!plain) {
    root["name"].fail("'" + c.name + "' cannot name a results file",
                      "use letters, digits, '-', '_' and '.', for example university-greylisting");
  }
  if (root.has("description")) c.description = root["description"].as_string();
  if (root.has("seed")) c.seed = static_cast<std::uint64_t>(root["seed"].as_int(0, INT64_MAX));
  if (root.has("duration")) c.duration = root["duration"].as_duration();
  if (c.duration <= Duration{}) root["duration"].fail("the duration must be positive");
  c.epoch_unix_seconds = 1'767'254'400;  // 2026-01-01T08:00:00Z
  if (root.has("epoch")) c.epoch_unix_seconds = read_epoch(root["epoch"]);
  if (root.has("network")) {
    const Yaml n = root["network"].expect_map();
    n.allow_only({"slow_start"});
    if (n.has("slow_start")) c.tcp.slow_start = n["slow_start"].as_bool();
  }
  if (!root.has("hosts"))
    root.fail("a scenario needs hosts", "list the network hosts under hosts:");
  read_hosts(root["hosts"], c);
  if (root.has("links")) read_links(root["links"], c);
  if (root.has("dns")) read_dns(root["dns"], c);
  mta::MtaConfig defaults;
  if (root.has("defaults")) {
    const Yaml d = root["defaults"].expect_map();
    d.allow_only({MAILSIM_MTA_SETTING_KEYS});
    read_mta_settings(d, defaults);
  }
  if (!root.has("mtas")) root.fail("a scenario needs mtas", "list the mail servers under mtas:");
  read_mtas(root["mtas"], defaults, c);
  check_mail_routes(root, c);
  if (root.has("clients")) read_clients(root["clients"], c);
  if (root.has("traffic")) read_traffic(root["traffic"], c);
  if (root.has("faults")) read_faults(root["faults"], c);
  return c;
}

}  // namespace

ScenarioConfig load_scenario(const std::string& path) { return load_scenario(path, {}); }

ScenarioConfig load_scenario(const std::string& path, std::span<const ScenarioOverride> overrides) {
  const Yaml root = Yaml::load_file(path);
  std::vector<std::string> keys;
  for (const ScenarioOverride& o : overrides) keys.push_back(apply_override(root, o));
  try {
    return read_scenario(root, path);
  } catch (const InputError& e) {
    for (std::size_t i = overrides.size(); i-- > 0;) {  // the last setting of a key counts
      if (auto placed = place_override_error(e, overrides[i], keys[i])) throw *placed;
    }
    throw;
  }
}

}  // namespace mailsim::scenario
