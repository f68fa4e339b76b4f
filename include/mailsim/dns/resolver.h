// DNS as mail routing sees it: MX records (with null MX, RFC 7505) and address records
// that name network hosts, and MX selection per RFC 5321 5.1. The zone data is plain
// configuration, fixed when the resolver is made; only its availability changes.
// Lookups are synchronous (the MTA applies the resolver's delay). Not thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "mailsim/core/flat_hash.h"
#include "mailsim/core/random.h"
#include "mailsim/core/signal.h"
#include "mailsim/core/text.h"
#include "mailsim/core/time.h"
#include "mailsim/net/topology.h"

namespace mailsim::dns {

struct MxRecord {
  int preference = 0;
  std::string exchange;  // "." for a null MX
};

struct ZoneData {
  // Domain names are compared in lower case.
  std::map<std::string, std::vector<MxRecord>, std::less<>> mx;
  std::map<std::string, net::NodeId, std::less<>> addresses;
  Duration lookup_delay;
};

enum class LookupStatus {
  kOk,
  kNotFound,          // NXDOMAIN or no usable host: permanent
  kNullMx,            // the domain accepts no mail: permanent
  kTemporaryFailure,  // the resolver is unavailable: defer
};

struct MailHost {
  // The resolver's own copy of the name (or the MTA configuration's, for a transport or
  // relayhost): it lives as long as the resolver, and no lookup copies it.
  std::string_view name;
  int preference = 0;
  net::NodeId node = 0;
};

// The resolver stopped or started answering (a dns_down fault).
struct AvailabilityChange {
  bool up = true;
  Time at;
};

struct MxResult {
  LookupStatus status = LookupStatus::kNotFound;
  std::vector<MailHost> hosts;  // in the order to try
};

class Resolver {
  struct MxSet;
  struct Address;

 public:
  // A domain's records as MX lookups read them, found by mail_domain(): a router that routes
  // to the domain again and again finds its name once. Valid as long as the resolver (the
  // zones never change).
  class MailDomain {
   public:
    // The domain's number among the names the zones know (from 0, below names()), a dense
    // key for tables by domain; kUnknown when they do not know it.
    static constexpr std::uint32_t kUnknown = UINT32_MAX;
    std::uint32_t index() const { return index_; }

   private:
    friend class Resolver;
    const MxSet* mx_ = nullptr;                                 // its MX records, if it has any
    const std::pair<std::string, Address>* address_ = nullptr;  // else its own address
    std::uint32_t index_ = kUnknown;
  };

  explicit Resolver(ZoneData zones);

  // The hosts to try for mail to `domain`: MX records sorted by preference, equal
  // preferences shuffled with `rng`; without MX records, the domain's own address
  // (implicit MX). When `self` (the asking MTA's host name) is listed, records of its
  // preference and higher are dropped. At most `max_hosts` are returned.
  MxResult lookup_mx(std::string_view domain, RandomStream& rng, std::string_view self = {},
                     std::size_t max_hosts = 5) const;
  // The same lookup for a domain found by mail_domain().
  MxResult lookup_mx(const MailDomain& domain, RandomStream& rng, std::string_view self = {},
                     std::size_t max_hosts = 5) const;
  MailDomain mail_domain(std::string_view domain) const;
  // How many names the zones know (MailDomain::index).
  std::size_t names() const { return mx_sets_.size() + addresses_.size(); }
  std::optional<net::NodeId> lookup_address(std::string_view name) const;

  Duration lookup_delay() const { return lookup_delay_; }
  // A DNS outage: while unavailable, every lookup fails temporarily. Emits
  // availability_changed with `at` when the state changes.
  void set_available(bool available, Time at = {});
  bool available() const { return available_; }

  Signal<AvailabilityChange> availability_changed;

 private:
  // A domain's MX records as every lookup starts from them: sorted by preference (equal
  // ones in zone order), each exchange in lower case with its address, if it has one.
  // Made once from the zone data, which never changes.
  struct Exchange {
    int preference = 0;
    std::string name;
    std::optional<net::NodeId> node;
  };
  struct MxSet {
    bool null_mx = false;  // the one record "."
    std::vector<Exchange> exchanges;
    std::uint32_t index = 0;  // MailDomain::index: the MX sets first, in zone order
  };
  struct Address {
    net::NodeId node = 0;
    std::uint32_t index = 0;  // MailDomain::index: after the MX sets, in zone order
  };
  std::optional<net::NodeId> address_of(std::string_view lower_name) const;

  // The zones' MX records and addresses by name as the zones spell it; names looked up
  // are lowered first. Filled by the constructor, then only looked up: nothing moves in
  // these flat tables after it, so a MailHost may view a key.
  TextMap<MxSet> mx_sets_;
  TextMap<Address> addresses_;
  // lookup_mx()'s records in the order it tries them, kept only so that each lookup reuses
  // the storage instead of allocating its own: filled anew by every call, read by nothing
  // else (the resolver is not thread-safe anyway).
  mutable std::vector<const Exchange*> order_;
  Duration lookup_delay_;
  bool available_ = true;
};

}  // namespace mailsim::dns
