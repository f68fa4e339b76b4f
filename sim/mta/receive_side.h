// An MTA's SMTP server side: its listeners (port 25; 587 for submission) and what its
// receive policies remember across connections: the greylist, the connections open per
// client address, the degraded replies of the scenario's faults. Each accepted connection
// is served by a Receiver (receiver.h) that asks this object. Owned by the MTA; the
// configuration must outlive it. Not thread-safe.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string_view>
#include <vector>

#include "mailsim/core/flat_hash.h"
#include "mailsim/core/simulator.h"
#include "mailsim/mta/config.h"
#include "mailsim/mta/events.h"
#include "mailsim/net/network.h"
#include "mta/address.h"
#include "mta/greylist.h"
#include "mta/receiver.h"

namespace mailsim::mta {

inline constexpr int kSubmissionPort = 587;

class ReceiveSide {
 public:
  ReceiveSide(Simulator& sim, net::Network& network, MailEvents& events, const MtaConfig& config,
              ReceiverPolicy policy);
  ReceiveSide(const ReceiveSide&) = delete;
  ReceiveSide& operator=(const ReceiveSide&) = delete;

  void listen();  // port config.port, and kSubmissionPort with receive.submission
  void unlisten();

  // For the receivers. At connect: nullopt to greet, or the reply that refuses the
  // connection (a degraded greeting, 421 4.7.0 for too many connections from the client).
  // An admitted connection counts for its client until release().
  std::optional<smtp::Reply> admit(std::uint32_t client);
  void release(std::uint32_t client);
  // The reply a degraded-reply fault puts in place of the server's own now, if any.
  std::optional<smtp::Reply> degraded(SmtpStage stage) const {
    if (degraded_in_force_ == 0) return std::nullopt;
    return degraded_reply(stage);
  }
  // Degraded reply `index` of config.receive.degraded comes into force or ends. The MTA's
  // degraded time (any of them in force) starts and ends are told to `events` as a
  // ServiceChange of kind "degraded_reply" (overlapping ones as one).
  void set_degraded(std::size_t index, bool in_force);
  // After the recipient checks accepted RCPT from an unauthenticated client: nullopt, or
  // the greylisting reply.
  std::optional<smtp::Reply> greylist(std::uint32_t client, std::string_view sender,
                                      std::string_view rcpt);
  // The content filter's time for a message of `octets`.
  Duration filter_delay(std::size_t octets) const;

  Simulator& sim() { return sim_; }
  const ReceiverPolicy& policy() const { return policy_; }

 private:
  void serve_on(int port);
  smtp::ServerConfig server_config(int port) const;
  std::optional<smtp::Reply> degraded_reply(SmtpStage stage) const;

  // What every connection reads comes first, the configuration's values copied: a
  // connection's checks then touch one or two lines of this object, where the
  // configuration's scattered fields missed the cache each (the MTA's are cold between
  // two of its connections). The policy is held here too, not referred to: each MAIL and
  // RCPT calls it, and reading where it was kept missed the cache after this object did.
  Simulator& sim_;
  int degraded_in_force_ = 0;  // how many of config.receive.degraded
  int max_connections_per_client_;
  bool greylisting_;
  Duration idle_timeout_;
  Duration filter_per_message_;
  Duration filter_per_kib_;
  const ReceiverPolicy policy_;
  // Client address -> connections open now; a client without one has no entry. Erased at
  // zero, the map holds the few clients connected now and stays in the cache: kept for
  // every client that ever connected (a provider's MX hears from a thousand hosts), each
  // lookup missed the cache twice (1.5 % of isp-scale's time). Flat, so that a connection
  // allocates no node; no reference into it is kept across an insert or an erase.
  FlatMap<std::uint32_t, int, AddressHash> connections_;
  net::Network& network_;
  MailEvents& events_;
  const MtaConfig& config_;
  Greylist greylist_;
  std::vector<bool> degraded_on_;  // by index of config.receive.degraded
  // The sessions' setups by port (config.port, kSubmissionPort), made at the first listen.
  std::unique_ptr<const smtp::ServerSetup> setup_;
  std::unique_ptr<const smtp::ServerSetup> submission_setup_;
};

}  // namespace mailsim::mta
