// The clients: section and traffic's client: key as the loader reads them
// (scenarios/README.md, "clients"), and the errors that point at the offending key.
#include <string>

#include "mailsim/core/error.h"
#include "mailsim/scenario/config.h"
#include "scenario/scenario_file.h"
#include "support/catch.h"

using mailsim::Duration;
using mailsim::scenario::load_scenario;
using mailsim::workload::ClientKind;

namespace {

// Host a runs the MSA a (with submission unless `msa_keys` says otherwise), host h is a
// home; `clients` is the clients: list, `message` the one message's extra keys.
std::string with_clients(const std::string& clients, const std::string& message,
                         const std::string& msa_keys = "receive: {submission: true}") {
  return "name: c\nhosts: [{name: a}, {name: h}]\n"
         "links: [{between: [a, h], bandwidth: 1Mbps, latency: 40ms}]\n"
         "mtas:\n  - {name: a, host: a, hostname: a.example, auth_users: {bob: pw}, " +
         msa_keys + "}\nclients:\n" + clients +
         "traffic:\n  messages: [{at: 0s, from: bob@a.example, to: x@b.example" + message + "}]\n";
}

const std::string kLaptop =
    "  - {name: laptop, kind: desktop, host: h, mta: a, auth: {user: bob, password: pw}}\n";

// "line:column key: problem | hint", or "" when the scenario loads.
std::string load_error(const std::string& yaml) {
  const auto e = scenario_error(yaml);
  return e ? std::to_string(e->where().line) + ":" + std::to_string(e->where().column) + " " +
                 e->where().key + ": " + e->problem() + " | " + e->hint()
           : "";
}

}  // namespace

TEST_CASE("a client's kind, MTA, host, credentials and retry policy are read") {
  const ScenarioFile f(with_clients(
      kLaptop +
          "  - {name: mailx, kind: local, mta: a}\n"
          "  - {name: web, kind: webmail, host: h, hostname: Web.A.Example, mta: a, auth: {user: "
          "bob, password: pw}, retry: {attempts: 3, interval: 5m}, connect_timeout: 10s}\n",
      ", client: laptop"));
  const auto c = load_scenario(f.path());
  REQUIRE(c.clients.size() == 3);
  const auto& laptop = c.clients[0];
  CHECK(laptop.host == "h");
  CHECK(laptop.client.kind == ClientKind::kDesktop);
  CHECK(laptop.client.mta == "a");
  CHECK(laptop.client.helo_name == "h");  // the host's name when no hostname is given
  CHECK(laptop.client.auth.user == "bob");
  CHECK(laptop.client.auth.password == "pw");
  CHECK(laptop.client.retry.attempts == 0);  // a desktop keeps trying
  CHECK(laptop.client.retry.interval == Duration::minutes(30));
  CHECK(c.clients[1].client.kind == ClientKind::kLocal);
  const auto& web = c.clients[2].client;
  CHECK(web.helo_name == "web.a.example");
  CHECK(web.retry.attempts == 3);
  CHECK(web.retry.interval == Duration::minutes(5));
  CHECK(web.connect_timeout == Duration::seconds(10));
  // The message enters at the client's MTA.
  REQUIRE(c.messages.size() == 1);
  CHECK(c.messages[0].client == "laptop");
  CHECK(c.messages[0].origin == "a");
}

TEST_CASE("a webmail server tries once unless its retry says otherwise") {
  const ScenarioFile f(with_clients(
      "  - {name: web, kind: webmail, host: h, mta: a, auth: {user: bob, password: pw}}\n",
      ", client: web"));
  CHECK(load_scenario(f.path()).clients.at(0).client.retry.attempts == 1);
}

TEST_CASE("AUTH without credentials is an error at the auth key") {
  CHECK(load_error(
            with_clients("  - {name: laptop, kind: desktop, host: h, mta: a, auth: {user: bob}}\n",
                         ", client: laptop")) ==
        "7:58 clients[0].auth: AUTH needs credentials, and this has no password | write auth: "
        "{user: bob, password: secret}, as in the MSA's auth_users");
  CHECK(load_error(with_clients("  - {name: laptop, kind: desktop, host: h, mta: a}\n",
                                ", client: laptop"))
            .starts_with("7:5 clients[0]: a desktop client needs auth | for example:"));
}

TEST_CASE("a client naming an MTA that does not exist or has no submission is an error") {
  CHECK(load_error(with_clients(
            "  - {name: laptop, kind: desktop, host: h, mta: nowhere, auth: {user: bob, "
            "password: pw}}\n",
            ", client: laptop")) ==
        "7:49 clients[0].mta: no MTA named 'nowhere' | name one of the MTAs under mtas: (a "
        "desktop or webmail client's MSA)");
  CHECK(load_error(with_clients(kLaptop, ", client: laptop", "local_domains: [a.example]")) ==
        "7:49 clients[0].mta: MTA 'a' has no submission service on port 587 | give it "
        "auth_users and receive: {submission: true}, or make this client kind: local");
}

TEST_CASE("an unknown client kind is an error suggesting the closest") {
  const std::string e = load_error(with_clients(
      "  - {name: laptop, kind: dekstop, host: h, mta: a, auth: {user: bob, password: pw}}\n",
      ", client: laptop"));
  CHECK(e.starts_with("7:26 clients[0].kind: unknown client kind 'dekstop'"));
  CHECK(e.find("desktop") != std::string::npos);
}

TEST_CASE("traffic names a defined client, and origin or client but not both") {
  CHECK(load_error(with_clients(kLaptop, ", client: phone")) ==
        "9:69 traffic.messages[0].client: no client named 'phone' | name one of the clients "
        "under clients:");
  CHECK(load_error(with_clients(kLaptop, ", client: laptop, origin: a"))
            .starts_with("9:69 traffic.messages[0].client: give origin or client, not both"));
  CHECK(load_error(with_clients(kLaptop, ""))
            .starts_with("9:14 traffic.messages[0]: origin or client is missing | add origin: "
                         "<MTA>, or client:"));
}

TEST_CASE("a local client has no host or credentials, and a network one no host of its MSA") {
  CHECK(load_error(
            with_clients("  - {name: mailx, kind: local, mta: a, host: h}\n", ", client: mailx"))
            .starts_with("7:46 clients[0].host: a local client has no host | it hands mail"));
  CHECK(load_error(with_clients("  - {name: web, kind: webmail, host: a, mta: a, auth: {user: bob, "
                                "password: pw}}\n",
                                ", client: web"))
            .starts_with("7:38 clients[0].host: the webmail client runs on the MSA's own host"));
}
