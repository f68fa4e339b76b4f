// A two-server world for the receive-side tests: a (mail.a.example) sends straight to b
// (mail.b.example, the MX of b.example, mailboxes bob, carol and dave) over one 10 ms
// link. Each test gives a's retry law, b's receive: settings and the messages.
#pragma once

#include <string>

#include "scenario/recorded_run.h"

inline std::string a_to_b(const std::string& retry, const std::string& b_receive,
                          const std::string& messages, const std::string& extra = "") {
  return R"(
name: receive
hosts: [{name: a}, {name: b}]
links: [{between: [a, b], bandwidth: 10Mbps, latency: 10ms}]
dns: {mx: {b.example: "10 mail.b.example"}}
defaults: {retry: )" +
         retry + R"(}
mtas:
  - {name: a, host: a, hostname: mail.a.example}
  - {name: b, host: b, hostname: mail.b.example, local_domains: [b.example],
     mailboxes: [bob, carol, dave], receive: )" +
         b_receive + R"(}
traffic:
  messages: )" +
         messages + "\n" + extra;
}

inline const std::string kToBob =
    "[{at: 0s, origin: a, from: x@a.example, to: bob@b.example, size: 4KiB}]";

// The times at which a started its attempts, in seconds.
inline std::vector<double> attempt_starts(const RecordedRun& r) {
  std::vector<double> out;
  for (const auto& a : r.attempts) out.push_back(a.started.seconds());
  return out;
}

// When `rcpt` was delivered (at b), as simulated time since 0.
inline mailsim::Duration delivered_at(const RecordedRun& r, const std::string& rcpt) {
  for (const auto& f : r.finals) {
    if (f.rcpt == rcpt && f.status == mailsim::mta::FinalStatus::kDelivered) {
      return f.at.since_start();
    }
  }
  return mailsim::Duration::max();
}
