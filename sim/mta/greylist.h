// Greylisting (reference §5): the first delivery of a (client network, sender, recipient)
// triplet is deferred; a retry at least the delay later passes, and the triplet then
// passes at once until it goes unseen for the pass lifetime. A triplet retried only after
// the retry window starts over. A client network that passed often enough (postgrey's
// auto-whitelist, counting at most one pass an hour) is not greylisted any more. Expired
// triplets are dropped whenever the table has doubled since the last sweep, so its size
// stays proportional to the triplets alive. Pure state: the caller gives the time. Not
// thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "mailsim/core/flat_hash.h"
#include "mailsim/core/time.h"
#include "mailsim/mta/receive_config.h"
#include "mailsim/smtp/reply.h"
#include "mta/address.h"

namespace mailsim::mta {

class Greylist {
 public:
  explicit Greylist(GreylistConfig config) : config_(std::move(config)) {}

  // The decision for RCPT TO:<rcpt> in a transaction from `client` (a host_address) with
  // MAIL FROM:<sender> at `now`: nullopt to let it pass, or the reply that defers it.
  // Times must not decrease from call to call.
  std::optional<smtp::Reply> check(Time now, std::uint32_t client, std::string_view sender,
                                   std::string_view rcpt);

  std::size_t triplets() const { return triplets_.size(); }

 private:
  struct Triplet {
    Time first_seen;
    Time last_seen;
    bool passed = false;
  };
  struct Client {
    int passes = 0;
    Time last_counted;
  };
  // A triplet's key, its addresses in lower case. It is found by a KeyView, so that a
  // lookup copies no address. The tables' order matters nowhere (a sweep drops what has
  // expired, whatever the order); no reference into the flat one is kept across an insert
  // or an erase.
  struct KeyView {
    std::uint32_t network = 0;
    std::string_view sender;
    std::string_view rcpt;
    bool operator==(const KeyView&) const = default;
  };
  // The two addresses in one string, the sender first: one allocation a triplet, not two.
  struct Key {
    explicit Key(const KeyView& k)
        : network(k.network), sender_size(static_cast<std::uint32_t>(k.sender.size())) {
      addresses.reserve(k.sender.size() + k.rcpt.size());
      addresses.append(k.sender).append(k.rcpt);
    }
    std::uint32_t network = 0;
    std::uint32_t sender_size = 0;  // an address is a part of a command line
    std::string addresses;
  };
  static KeyView view(const KeyView& k) { return k; }
  static KeyView view(const Key& k) {
    const std::string_view addresses = k.addresses;
    return {k.network, addresses.substr(0, k.sender_size), addresses.substr(k.sender_size)};
  }
  struct KeyHash {
    using is_transparent = void;
    template <typename K>
    std::size_t operator()(const K& k) const {
      const KeyView v = view(k);
      std::size_t h = TextHash{}(v.sender);
      h ^= TextHash{}(v.rcpt) + 0x9e3779b97f4a7c15 + (h << 6) + (h >> 2);
      return h ^ (v.network + 0x9e3779b97f4a7c15 + (h << 6) + (h >> 2));
    }
  };
  struct KeyEqual {
    using is_transparent = void;
    template <typename A, typename B>
    bool operator()(const A& a, const B& b) const {
      return view(a) == view(b);
    }
  };

  bool expired(const Triplet& t, Time now) const;
  void sweep(Time now);
  bool whitelisted(std::uint32_t network, Time now);
  void count_pass(std::uint32_t network, Time now);
  // The reply to a greylisted `rcpt`, whose domain, lowered, is `domain`.
  smtp::Reply reply_for(std::string_view rcpt, std::string_view domain);

  GreylistConfig config_;
  // Triplets stay in nodes: most are added once and found once or twice, and a flat
  // table would move their two strings at every growth.
  std::unordered_map<Key, Triplet, KeyHash, KeyEqual> triplets_;
  FlatMap<std::uint32_t, Client, AddressHash> clients_;
  std::string sender_lower_;  // room for check's lowered addresses, when they have capitals
  std::string rcpt_lower_;
  std::string with_rcpt_;  // room for reply_for's text, after each step
  std::string text_;
  std::size_t sweep_at_ = 1024;  // triplets held when expired ones are next dropped
};

}  // namespace mailsim::mta
