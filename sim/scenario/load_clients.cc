#include "scenario/load_clients.h"

#include <algorithm>
#include <string>

#include "mailsim/core/text.h"
#include "scenario/references.h"

namespace mailsim::scenario {

namespace {

constexpr const char* kExample =
    "for example: {name: laptop, kind: desktop, host: home, mta: provider, auth: {user: bob, "
    "password: secret}}";

const MtaEntry* find_mta(const ScenarioConfig& c, const std::string& name) {
  const auto it = std::find_if(c.mtas.begin(), c.mtas.end(),
                               [&](const MtaEntry& e) { return e.mta.name == name; });
  return it == c.mtas.end() ? nullptr : &*it;
}

// A network client's credentials: both a user and a password.
smtp::Credentials read_credentials(const Yaml& y) {
  const Yaml a = y.expect_map();
  a.allow_only({"user", "password"});
  for (const char* key : {"user", "password"}) {
    if (!a.has(key)) {
      a.fail(std::string("AUTH needs credentials, and this has no ") + key,
             "write auth: {user: bob, password: secret}, as in the MSA's auth_users");
    }
  }
  smtp::Credentials c{a["user"].as_string(), a["password"].as_string()};
  if (c.user.empty()) a["user"].fail("the AUTH user is empty", "give the user name");
  return c;
}

workload::ClientRetry read_retry(const Yaml& y, workload::ClientRetry r) {
  const Yaml m = y.expect_map();
  m.allow_only({"attempts", "interval"});
  if (m.has("attempts")) r.attempts = static_cast<int>(m["attempts"].as_int(0, 1'000'000));
  if (m.has("interval")) {
    r.interval = m["interval"].as_duration();
    if (r.interval <= Duration{}) m["interval"].fail("the retry interval must be positive");
  }
  return r;
}

// desktop and webmail: a host of their own, an MSA with submission, credentials.
void read_network_client(const Yaml& y, const ScenarioConfig& c, ClientEntry& e) {
  workload::MailClient& client = e.client;
  const std::string kind = workload::to_string(client.kind);
  for (const char* key : {"host", "auth"}) {
    if (!y.has(key)) y.fail("a " + kind + " client needs " + key, kExample);
  }
  e.host = y["host"].as_string();
  check_host(c, y["host"], e.host);
  const MtaEntry* msa = find_mta(c, client.mta);
  if (!msa->mta.receive.submission) {
    y["mta"].fail("MTA '" + client.mta + "' has no submission service on port 587",
                  "give it auth_users and receive: {submission: true}, or make this client "
                  "kind: local");
  }
  if (msa->host == e.host) {
    y["host"].fail("the " + kind + " client runs on the MSA's own host '" + e.host + "'",
                   "give it a host of its own, linked to the MSA's (a loopback hop is not "
                   "modelled), or make it kind: local");
  }
  client.helo_name = y.has("hostname") ? ascii_lower(y["hostname"].as_string()) : e.host;
  client.auth = read_credentials(y["auth"]);
  client.retry = workload::default_retry(client.kind);
  if (y.has("retry")) client.retry = read_retry(y["retry"], client.retry);
  if (y.has("connect_timeout")) {
    client.connect_timeout = y["connect_timeout"].as_duration();
    if (client.connect_timeout <= Duration{})
      y["connect_timeout"].fail("the connect timeout must be positive");
  }
}

}  // namespace

void read_clients(const Yaml& list, ScenarioConfig& c) {
  list.expect_sequence();
  for (std::size_t i = 0; i < list.size(); ++i) {
    const Yaml y = list.at(i).expect_map();
    y.allow_only({"name", "kind", "mta", "host", "hostname", "auth", "retry", "connect_timeout"});
    for (const char* key : {"name", "kind", "mta"}) {
      if (!y.has(key)) y.fail(std::string("a client needs ") + key, kExample);
    }
    ClientEntry e;
    workload::MailClient& client = e.client;
    client.name = y["name"].as_string();
    for (const ClientEntry& other : c.clients) {
      if (other.client.name == client.name) {
        y["name"].fail("client '" + client.name + "' is defined twice",
                       "give each client its own name");
      }
    }
    const std::string kind = y["kind"].as_one_of(workload::kClientKinds, "client kind");
    client.kind = static_cast<workload::ClientKind>(
        std::find(workload::kClientKinds.begin(), workload::kClientKinds.end(), kind) -
        workload::kClientKinds.begin());
    client.mta = y["mta"].as_string();
    if (find_mta(c, client.mta) == nullptr) {
      y["mta"].fail("no MTA named '" + client.mta + "'",
                    "name one of the MTAs under mtas: (a desktop or webmail client's MSA)");
    }
    if (client.kind != workload::ClientKind::kLocal) {
      read_network_client(y, c, e);
    } else {
      for (const char* key : {"host", "hostname", "auth", "retry", "connect_timeout"}) {
        if (y.has(key)) {
          y[key].fail(std::string("a local client has no ") + key,
                      "it hands mail to its MTA's queue on the MTA's own host, with no network "
                      "hop; for a client on another host use kind: desktop or webmail");
        }
      }
    }
    c.clients.push_back(std::move(e));
  }
}

void read_submitter(const Yaml& entry, const ScenarioConfig& c, std::string& origin,
                    std::string& client, const std::string& example) {
  if (entry.has("origin") && entry.has("client")) {
    entry["client"].fail("give origin or client, not both",
                         "a client hands its mail to its own MTA (its mta:); drop origin:");
  }
  if (entry.has("client")) {
    client = entry["client"].as_string();
    const auto it = std::find_if(c.clients.begin(), c.clients.end(),
                                 [&](const ClientEntry& e) { return e.client.name == client; });
    if (it == c.clients.end()) {
      entry["client"].fail("no client named '" + client + "'",
                           "name one of the clients under clients:");
    }
    origin = it->client.mta;
    return;
  }
  if (!entry.has("origin")) entry.fail("origin or client is missing", example);
  origin = entry["origin"].as_string();
  if (find_mta(c, origin) == nullptr) {
    entry["origin"].fail("no MTA named '" + origin + "'", "name one of the MTAs under mtas:");
  }
}

}  // namespace mailsim::scenario
