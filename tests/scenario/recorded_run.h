// A scenario run through the World with real MTAs, and everything the tests look at
// afterwards: the models' events in order and each MTA's mailboxes at the end.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "mailsim/mta/events.h"
#include "mailsim/scenario/config.h"
#include "mailsim/scenario/world.h"
#include "scenario/kept_events.h"
#include "scenario/scenario_file.h"

struct RecordedRun {
  std::vector<mailsim::mta::MessageCreated> created;
  std::vector<KeptQueued> queued;
  std::vector<mailsim::mta::AttemptFinished> attempts;
  std::vector<KeptFinal> finals;
  // MTA name -> local part -> header blocks of the delivered copies.
  std::map<std::string, std::map<std::string, std::vector<std::string>>> mailboxes;

  // The messages of one kind, in the order they were created.
  std::vector<mailsim::mta::MessageCreated> of_kind(mailsim::mta::MessageKind kind) const {
    std::vector<mailsim::mta::MessageCreated> out;
    for (const auto& m : created) {
      if (m.kind == kind) out.push_back(m);
    }
    return out;
  }
};

// The sender's server a (a.example, mailbox x) sending everything through the relay r to
// the recipient's server b (b.example, mailbox bob), 10 ms apart; each domain's MX is its
// server. `a_keys` and `r_keys` add keys to a's and r's entries; x@a.example sends one
// message to `to` at 0, with `message_keys` added.
inline std::string through_relay(const std::string& a_keys, const std::string& r_keys,
                                 const std::string& to, const std::string& message_keys = "") {
  return R"(
name: relayed
hosts: [{name: a}, {name: r}, {name: b}]
links:
  - {between: [a, r], bandwidth: 10Mbps, latency: 10ms}
  - {between: [r, b], bandwidth: 10Mbps, latency: 10ms}
dns:
  mx: {a.example: "10 mail.a.example", b.example: "10 mail.b.example"}
mtas:
  - {name: a, host: a, hostname: mail.a.example, local_domains: [a.example], mailboxes: [x],
     relayhost: mail.r.example)" +
         a_keys + R"(}
  - {name: r, host: r, hostname: mail.r.example)" +
         r_keys + R"(}
  - {name: b, host: b, hostname: mail.b.example, local_domains: [b.example], mailboxes: [bob]}
traffic:
  messages: [{at: 0s, origin: a, from: x@a.example, to: )" +
         to + message_keys + "}]\n";
}

inline RecordedRun record_run(const std::string& yaml, mailsim::Duration until) {
  using namespace mailsim::mta;
  const ScenarioFile file(yaml);
  mailsim::scenario::World world(mailsim::scenario::load_scenario(file.path()));
  RecordedRun r;
  auto& events = world.events();
  events.message_created.connect([&](const MessageCreated& e) { r.created.push_back(e); });
  events.message_queued.connect([&](const MessageQueued& e) { r.queued.push_back(e); });
  events.attempt_finished.connect([&](const AttemptFinished& e) { r.attempts.push_back(e); });
  events.recipient_final.connect([&](const RecipientFinal& e) { r.finals.push_back(e); });
  world.run(mailsim::Time::zero() + until);
  for (const auto& mta : world.mtas()) r.mailboxes[mta->config().name] = mta->mailboxes();
  return r;
}
