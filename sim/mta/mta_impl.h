// The state and the queue manager's steps behind mailsim::mta::Mta (mta.h): the queue by
// queue number, the router, the active queue's places, the destinations' sessions, the
// receive side's listeners and the mailboxes. Defined in mta.cc (the façade, receiving
// and queueing, the queue's bookkeeping) and mta_pass.cc (one pass of an entry through
// the active queue: routing, delivery, settling, notifications); private to the mta layer
// so that the façade stays a pointer to it. Not thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "mailsim/mta/mta.h"
#include "mta/active_queue.h"
#include "mta/bounce.h"
#include "mta/cleanup.h"
#include "mta/delivery.h"
#include "mta/destinations.h"
#include "mta/host_memory.h"
#include "mta/queue_entry.h"
#include "mta/receive_side.h"
#include "mta/receiver.h"
#include "mta/retry_queue.h"
#include "mta/router.h"

namespace mailsim::mta {

struct Mta::Impl {
  Impl(MtaConfig c, MtaContext x)
      : config(std::move(c)),
        ctx(x),
        router(config, ctx.resolver),
        rng(ctx.seed, ctx.run, "mta:" + config.name),
        limits(queue_limits(config.queue, config.retry)),
        active(limits.active_limit),
        host_memory(limits.style, RandomStream(ctx.seed, ctx.run, "tcpto:" + config.name)),
        destinations({ctx.sim, ctx.network, ctx.events, config, &host_memory}, limits,
                     limits.style == SenderStyle::kExim ? &host_retry : nullptr),
        receive_side(ctx.sim, ctx.network, ctx.events, config,
                     ReceiverPolicy{
                         [this](const smtp::SessionInfo& session, std::string_view rcpt) {
                           return router.check_recipient(rcpt, !session.authenticated_user.empty());
                         },
                         [this](const smtp::SessionInfo& session, smtp::Envelope&& e,
                                const auto& message, net::NodeId client) {
                           return receive(session, std::move(e), message, client);
                         },
                         [this](const smtp::SessionInfo&) { return check_capacity(); },
                         [this](const smtp::Message& message) { return keep_message(message); }}),
        scheduler(queue_scheduler(config.retry)),
        host_observer(ctx.network.state_changed.connect([this](const net::StateChange& change) {
          // The host coming back restarts the MTA, which scans its queue.
          if (change.what == net::StateChange::What::kHost && change.up &&
              change.target == host_name() && service_up) {
            restart_queue();
          }
        })) {}
  ~Impl() { ctx.network.state_changed.disconnect(host_observer); }

  smtp::Reply receive(const smtp::SessionInfo& session, smtp::Envelope&& e,
                      const smtp::SharedMessage& received, net::NodeId client);
  std::function<void()> keep_message(const smtp::Message& message);
  // The envelope's addresses are moved into the entry.
  void enqueue(QueueNumber number, std::string id, MessageNumber msg, smtp::Envelope&& e,
               smtp::SharedMessage message, const std::string& from_node);
  void activate(QueueNumber number);
  void release_place(QueueNumber number);
  smtp::Reply check_capacity() const;
  void route_and_deliver(QueueEntry& entry);
  // An entry's remote recipients by next hop, in next-hop order. A vector, not a map: a
  // pass has one or two next hops as a rule, too few to pay for a tree's nodes. Each next
  // hop's name is the first of its recipients' QueuedRecipient::nexthop.
  using NextHopGroups = std::vector<std::pair<NextHop, DeliveryRequest>>;
  void start_deliveries(QueueEntry& entry, NextHopGroups& groups);
  void deliver_local(QueueEntry& entry, QueuedRecipient& r);
  void finalize(QueueEntry& entry, QueuedRecipient& r, FinalStatus status,
                const smtp::Reply& reply);
  void delivery_done(QueueNumber number, const DeliveryResult& result);
  void settle(QueueEntry& entry);
  void expire(QueueEntry& entry);
  void send_bounce(QueueEntry& entry);
  void send_delay_warning(QueueEntry& entry);
  void send_notification(smtp::DsnKind kind, const QueueEntry& entry,
                         std::vector<smtp::DsnRecipient> recipients);
  // The entry's state and the queue's counts change together (queue_counts()).
  void set_state(QueueEntry& entry, EntryState state);
  // The count to change, with the sampler's flag set (flag_queue_changes()).
  std::size_t& count_of(EntryState state);
  // The entry leaves the queue (its state's count with it).
  void remove_entry(QueueEntry& entry);
  void schedule(QueueEntry& entry, bool at_start);
  void restart_queue();
  bool running() const { return service_up && ctx.network.topology().node_up(config.host); }
  QueueNumber next_queue_number() { return ++queued_total; }
  // At most kQueueIdSize characters: 5 hex digits, then the number's (at most 16).
  static constexpr std::size_t kQueueIdSize = 21;
  std::string queue_id(QueueNumber number) const;
  const std::string& host_name() const { return ctx.network.topology().name(config.host); }

  // The entries of `queue` by state, kept as they change (set_state, erase) so that
  // sampling the queue does not scan it. First: a sample (each simulated minute) reads
  // only this, of the MTAs whose counts_flag is set.
  QueueCounts counts;
  bool* counts_flag = nullptr;  // see Mta::flag_queue_changes()
  MtaConfig config;
  MtaContext ctx;
  Router router;
  RandomStream rng;
  QueueLimits limits;
  ActiveQueue active;
  HostMemory host_memory;
  std::map<std::string, RetryRecord> host_retry;  // Exim's "T:host" records, for all messages
  Destinations destinations;
  ReceiveSide receive_side;  // the listeners, the receive policies and their state
  // By queue number. A hash map: looked up at every step of every message, never walked in
  // order except by restart_queue(), which sorts. References to entries stay valid.
  std::unordered_map<QueueNumber, QueueEntry> queue;
  std::map<std::string, std::vector<std::string>> mailboxes;
  // route_and_deliver()'s groups, kept only so that each pass reuses the storage: empty
  // between passes (a pass never starts another before it ends).
  NextHopGroups next_hop_groups;
  QueueNumber queued_total = 0;  // the last queue number given
  bool service_up = true;
  QueueScheduler scheduler;
  Time queue_origin;  // the MTA's last start: periodic queue scans count from it
  std::uint64_t host_observer = 0;
};

}  // namespace mailsim::mta
