// The two-server world of the tests of hosts an MTA skips without connecting (reference
// §2): a sends to bob@b.example over one 10 ms link, connect timeout 30 s; `messages` are
// a's messages' start times in seconds, `fault` the faults list's items.
#pragma once

#include <string>
#include <vector>

inline std::string skip_world(const std::string& retry, const std::vector<int>& messages,
                              const std::string& fault) {
  std::string list;
  for (int at : messages) {
    list += (list.empty() ? "" : ", ") + ("{at: " + std::to_string(at) + "s, origin: a, " +
                                          "from: x@a.example, to: bob@b.example}");
  }
  return R"(
name: skip
hosts: [{name: a}, {name: b}]
links: [{between: [a, b], bandwidth: 10Mbps, latency: 10ms}]
dns:
  mx: {b.example: "10 mail.b.example"}
defaults: {timeouts: {connect: 30s}}
mtas:
  - {name: a, host: a, hostname: mail.a.example, local_domains: [a.example], mailboxes: [x],
     retry: )" +
         retry + R"(}
  - {name: b, host: b, hostname: mail.b.example, local_domains: [b.example], mailboxes: [bob]}
traffic:
  messages: [)" +
         list + "]\nfaults: [" + fault + "]\n";
}
