#include "mta/router.h"

#include <algorithm>
#include <utility>

#include "mailsim/core/text.h"

namespace mailsim::mta {

namespace {

// Looks `domain` up as itself, then as ".parent" for each parent domain.
template <class Map>
auto find_domain(const Map& map, const std::string& domain) {
  if (map.empty()) return map.end();
  if (auto it = map.find(domain); it != map.end()) return it;
  for (std::size_t dot = domain.find('.'); dot != std::string::npos;
       dot = domain.find('.', dot + 1)) {
    if (auto it = map.find(domain.substr(dot)); it != map.end()) return it;
  }
  return map.end();
}

}  // namespace

std::string domain_of(std::string_view address) {
  const auto at = address.rfind('@');
  return at == std::string_view::npos ? std::string() : ascii_lower(address.substr(at + 1));
}

std::string local_part_of(std::string_view address) {
  const auto at = address.rfind('@');
  return ascii_lower(at == std::string_view::npos ? address : address.substr(0, at));
}

Router::Router(const MtaConfig& config, const dns::Resolver& resolver)
    : config_(config), resolver_(resolver) {}

bool Router::is_local(std::string_view domain) const {
  return config_.local_domains.contains(ascii_lower(domain));
}

bool Router::relays_for(std::string_view domain) const {
  return find_domain(config_.relay_domains, ascii_lower(domain)) != config_.relay_domains.end();
}

smtp::Reply Router::check_recipient(std::string_view rcpt, bool authenticated) const {
  const std::string domain = domain_of(rcpt);  // lower case already
  const auto quoted = [rcpt] { return "<" + std::string(rcpt) + ">: "; };
  if (config_.local_domains.contains(domain)) {
    if (config_.mailboxes.contains(local_part_of(rcpt)))
      return smtp::make_reply(250, "2.1.5", "Ok");
    return smtp::make_reply(
        550, "5.1.1",
        quoted() + "Recipient address rejected: User unknown in local recipient table");
  }
  if (authenticated || config_.receive.open_relay ||
      find_domain(config_.relay_domains, domain) != config_.relay_domains.end()) {
    return smtp::make_reply(250, "2.1.5", "Ok");
  }
  return smtp::make_reply(554, "5.7.1", quoted() + "Relay access denied");
}

RouteDecision Router::to_host(const std::string& nexthop, const std::string& host) const {
  if (!resolver_.available()) {
    return {RouteKind::kDefer,
            nexthop,
            {},
            smtp::make_reply(451, "4.4.3",
                             "Host or domain name not found. Name service error for name=" + host)};
  }
  const auto node = resolver_.lookup_address(host);
  if (!node) {
    return {RouteKind::kBounce,
            nexthop,
            {},
            smtp::make_reply(550, "5.4.4",
                             "Host or domain name not found. Name service error for name=" + host +
                                 " type=A: Host not found")};
  }
  return {RouteKind::kRemote, nexthop, {dns::MailHost{host, 0, *node}}, {}};
}

RouteDecision Router::route(std::string_view rcpt, RandomStream& rng) const {
  const std::string domain = domain_of(rcpt);  // lower case already
  if (config_.local_domains.contains(domain)) return {RouteKind::kLocal, "local", {}, {}};
  if (auto it = find_domain(config_.transport, domain); it != config_.transport.end()) {
    return to_host("transport:" + it->second, it->second);
  }
  if (!config_.relayhost.empty())
    return to_host("relayhost:" + config_.relayhost, config_.relayhost);
  dns::MxResult mx = resolver_.lookup_mx(domain, rng, config_.hostname);
  switch (mx.status) {
    case dns::LookupStatus::kOk:
      return {RouteKind::kRemote, "mx:" + domain, std::move(mx.hosts), {}};
    case dns::LookupStatus::kTemporaryFailure:
      return {RouteKind::kDefer,
              "mx:" + domain,
              {},
              smtp::make_reply(451, "4.4.3",
                               "Host or domain name not found. Name service error for name=" +
                                   domain + " type=MX: Host not found, try again")};
    case dns::LookupStatus::kNullMx:
      return {RouteKind::kBounce,
              "mx:" + domain,
              {},
              smtp::make_reply(556, "5.1.10",
                               "Recipient address rejected: Domain " + domain +
                                   " does not accept mail (nullMX)")};
    case dns::LookupStatus::kNotFound:
      break;
  }
  return {RouteKind::kBounce,
          "mx:" + domain,
          {},
          smtp::make_reply(550, "5.4.4",
                           "Host or domain name not found. Name service error for name=" + domain +
                               " type=MX: Host not found")};
}

}  // namespace mailsim::mta
