// Greylisting (reference §5): the first delivery of a (client network, sender, recipient)
// triplet is deferred; a retry at least the delay later passes, and the triplet then
// passes at once until it goes unseen for the pass lifetime. A triplet retried only after
// the retry window starts over. A client network that passed often enough (postgrey's
// auto-whitelist, counting at most one pass an hour) is not greylisted any more. Expired
// triplets are dropped whenever the table has doubled since the last sweep, so its size
// stays proportional to the triplets alive. Pure state: the caller gives the time. Not
// thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>

#include "mailsim/core/time.h"
#include "mailsim/mta/receive_config.h"
#include "mailsim/smtp/reply.h"

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
  using Key = std::tuple<std::uint32_t, std::string, std::string>;

  bool expired(const Triplet& t, Time now) const;
  void sweep(Time now);
  bool whitelisted(std::uint32_t network, Time now);
  void count_pass(std::uint32_t network, Time now);
  smtp::Reply reply_for(std::string_view rcpt) const;

  GreylistConfig config_;
  std::map<Key, Triplet> triplets_;
  std::map<std::uint32_t, Client> clients_;
  std::size_t sweep_at_ = 1024;  // triplets held when expired ones are next dropped
};

}  // namespace mailsim::mta
