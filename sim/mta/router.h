// Where a recipient goes next, as Postfix's trivial-rewrite decides it: a local domain is
// delivered here; otherwise the transport map, then the relayhost, then MX records give
// the next-hop hosts. Also answers the receive-side question "may I accept this rcpt?".
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "mailsim/core/flat_hash.h"
#include "mailsim/core/random.h"
#include "mailsim/core/text.h"
#include "mailsim/dns/resolver.h"
#include "mailsim/mta/config.h"
#include "mailsim/smtp/reply.h"

namespace mailsim::mta {

enum class RouteKind { kLocal, kRemote, kDefer, kBounce };

// A next hop: its name ("mx:example.org", "transport:HOST", "relayhost:HOST", "local"),
// the router's (see RouteDecision::nexthop), and its number among the router's next hops
// (equal names, equal numbers; from 0), by which the queue manager indexes its
// destinations.
struct NextHop {
  std::uint32_t id = 0;
  std::string_view name;
};

struct RouteDecision {
  RouteKind kind = RouteKind::kBounce;
  // Groups recipients that share one delivery: the router's name for the next hop, which
  // lives as long as the router; for a domain the zones do not know (a route that defers
  // or bounces), only until the next route().
  std::string_view nexthop;
  std::uint32_t nexthop_id = 0;      // kRemote: NextHop::id (unused otherwise)
  std::vector<dns::MailHost> hosts;  // kRemote: in the order to try
  smtp::Reply reply;                 // kDefer, kBounce: why
};

std::string domain_of(std::string_view address);
std::string local_part_of(std::string_view address);
// The same without a copy when the address has no capitals; otherwise the lowered text is
// kept in `buffer`. The view lives as long as `address` and `buffer` do.
std::string_view domain_view(std::string_view address, std::string& buffer);
std::string_view local_part_view(std::string_view address, std::string& buffer);

class Router {
 public:
  Router(const MtaConfig& config, const dns::Resolver& resolver);

  bool is_local(std::string_view domain) const;
  // relay_domains: "example.edu" matches that domain, ".example.edu" its subdomains.
  bool relays_for(std::string_view domain) const;
  // The receive-side decision for RCPT TO (250, 550 5.1.1 unknown user, 554 5.7.1 relay).
  // An authenticated client may relay anywhere; local recipients are checked all the same.
  smtp::Reply check_recipient(std::string_view rcpt, bool authenticated) const;
  RouteDecision route(std::string_view rcpt, RandomStream& rng);
  // Whether the address's local part names a mailbox here (MtaConfig::mailboxes), in any
  // case; the domain is not looked at.
  bool has_mailbox(std::string_view address) const;

 private:
  // A transport's or the relayhost's host: the MTA configuration's text (the decision's
  // MailHost views it) and its next hop's number.
  struct Host {
    const std::string* name = nullptr;
    std::uint32_t nexthop_id = 0;
  };
  RouteDecision to_host(Host host) const;
  // The MX next hop's number, given at its first route with its name "mx:" + `domain`.
  std::uint32_t mx_nexthop(const dns::Resolver::MailDomain& domain, std::string_view domain_name);
  std::string_view mx_name(std::uint32_t id, std::string_view domain_name);

  const MtaConfig& config_;
  const dns::Resolver& resolver_;
  // config_'s local domains, hashed for lookups by string_view (its set compares
  // std::string only). The configuration does not change while the router lives: filled
  // once, then only looked up.
  TextSet local_domains_;
  // config_.transport's domains with their hosts' next hops, and the relayhost's; numbered
  // when the router is made ("local" is 0).
  std::map<std::string, Host, std::less<>> transport_;
  Host relayhost_;
  // The next hops' names by number, made at numbering: routes view them rather than
  // spelling them again, and so do the queue's recipients and the destinations. A deque:
  // the names stay where they are as it grows. A local route views the literal "local"
  // instead: reading this table for every local delivery cost last-level cache misses.
  std::deque<std::string> names_;
  std::uint32_t next_number() const { return static_cast<std::uint32_t>(names_.size()); }
  std::string unknown_name_;  // an unknown domain's "mx:" name, for the last route only
  // The numbers of MX next hops, by MailDomain::index: numbered at their first route,
  // found without hashing their names. A table of the domains this MTA routes to, not a
  // vector over every domain the zones know: that would cost each MTA 4 bytes a domain.
  static constexpr std::uint32_t kNone = UINT32_MAX;
  FlatMap<std::uint32_t, std::uint32_t> mx_nexthops_;
};

}  // namespace mailsim::mta
