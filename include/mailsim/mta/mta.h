// One mail server: it has a listener (port 25), a router, a queue manager with
// incoming, active and deferred entries, and mailboxes for its local domains. It speaks
// SMTP through the smtp layer's sessions over the net layer's connections, sends bounces
// and delay warnings as messages of its own, and tells observers what happens through
// MailEvents. Owned by the world; not thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "mailsim/core/random.h"
#include "mailsim/core/simulator.h"
#include "mailsim/dns/resolver.h"
#include "mailsim/mta/config.h"
#include "mailsim/mta/events.h"
#include "mailsim/mta/message_catalog.h"
#include "mailsim/net/network.h"
#include "mailsim/smtp/envelope.h"
#include "mailsim/smtp/message_body.h"

namespace mailsim::mta {

// What an MTA shares with the rest of its world. All references must outlive the MTA.
struct MtaContext {
  Simulator& sim;
  net::Network& network;
  const dns::Resolver& resolver;
  MailEvents& events;
  MessageCatalog& catalog;
  std::uint64_t seed = 0;
  std::uint64_t run = 0;
  std::int64_t epoch_unix_seconds = 0;  // wall-clock time of simulated time 0, for headers
  // Whether mailboxes() keeps a copy of each delivered header block. The recipient_final
  // event carries the headers either way unless MailEvents::delivered_headers is off; a
  // long run leaves the copies off (about 600 octets per delivered recipient otherwise).
  bool keep_mailboxes = true;
};

struct QueueCounts {
  std::size_t incoming = 0;  // waiting for processing
  std::size_t active = 0;    // being delivered
  std::size_t deferred = 0;  // waiting for a retry
  friend bool operator==(const QueueCounts&, const QueueCounts&) = default;
};

class Mta {
 public:
  Mta(MtaConfig config, MtaContext context);
  ~Mta();
  Mta(const Mta&) = delete;
  Mta& operator=(const Mta&) = delete;

  const MtaConfig& config() const;
  // Starts listening; connections to the port are refused until then.
  void start();
  // The mail service going down (connections refused, nothing delivered, queue kept) or up.
  void set_service_up(bool up);
  // Degraded reply `index` of config().receive.degraded comes into force or ends.
  void set_degraded_reply(std::size_t index, bool in_force);

  // A message from a local user (the workload), queued as if received: the MTA keeps
  // the shared message, which may have a synthetic body. `message_id` is its header's
  // Message-ID without <> (the caller composed it; the MTA does not parse it again).
  // The envelope is taken by value: a caller that has no more use for it moves it in, and
  // its addresses go to the queue entry without another copy.
  void submit(smtp::Envelope envelope, smtp::SharedMessage message, std::string message_id);

  QueueCounts queue_counts() const;
  // Sets *flag whenever queue_counts() changes, from now on (nullptr: no flag), so that a
  // sampler that clears its flags reads only the queues that changed. The flag must
  // outlive the MTA or be replaced first.
  void flag_queue_changes(bool* flag);
  // Local part -> header blocks of the delivered copies, in delivery order; empty unless
  // the context keeps mailboxes.
  const std::map<std::string, std::vector<std::string>>& mailboxes() const;
  // Stops keeping copies in mailboxes() from now on (see MtaContext::keep_mailboxes).
  void drop_mailbox_copies();

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace mailsim::mta
