// The queue manager's view of its next hops, like Postfix's qmgr_queue.c: for each next
// hop (a "destination"), how many SMTP sessions run to it and which deliveries wait for a
// free one. A delivery starts when fewer than the destination's concurrency window run;
// otherwise it waits in arrival order. With Postfix's style the window follows
// ConcurrencyWindow's feedback, and a dead destination defers every delivery to it
// without connecting ("delivery temporarily suspended: REASON") until its backoff ends.
// A session whose transaction is done carries the next delivery waiting for its next hop
// when the style reuses connections (QueueLimits::connection_reuse). Postfix's sessions
// do so only on demand, and wait idle in its connection cache for up to
// connection_cache_time for a delivery to come (see select()). With Exim's style at most
// remote_max_parallel deliveries of one message run at once.
// Private to the mta layer; not thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <list>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "mailsim/mta/queue_config.h"
#include "mta/concurrency_window.h"
#include "mta/delivery.h"
#include "mta/router.h"

namespace mailsim::mta {

// Splits one message's recipients for a next hop into transactions of at most `limit`
// recipients each, in envelope order. REQUIRES: limit >= 1.
std::vector<DeliveryRequest> split_by_recipient_limit(DeliveryRequest request, int limit);
// How many transactions split_by_recipient_limit() makes of `recipients` (at least one).
int transaction_count(std::size_t recipients, int limit);

class Destinations {
 public:
  // `context` and `limits` must outlive this object and every delivery it starts.
  // `host_retry`: Exim's host retry records, keyed as retry_record_key() does; a next hop
  // whose record's retry time has not come is deferred without connecting, and one that
  // takes a delivery loses its record. Null: no such records.
  Destinations(const DeliveryContext& context, const QueueLimits& limits,
               std::map<std::string, RetryRecord>* host_retry = nullptr);
  // Its deliveries refer to its context: it stays where it was made.
  Destinations(const Destinations&) = delete;
  Destinations& operator=(const Destinations&) = delete;

  // Runs the delivery to `nexthop` now or when a session to it frees up; `done` is called
  // once, when it has ended. REQUIRES: the next hops of one router (their ids).
  void submit(NextHop nexthop, DeliveryRequest&& request, DeliveryDone&& done);

 private:
  using Job = DeliveryJob;
  // A next hop by the router's id, its place in destinations_: the handlers a delivery
  // calls back carry the number, small enough for std::function to hold without allocating.
  using Id = std::uint32_t;
  struct Destination {
    Destination(std::string_view nexthop, const QueueLimits& limits)
        : name(nexthop),
          window(limits.initial_destination_concurrency, limits.destination_concurrency_limit,
                 limits.style == SenderStyle::kPostfix) {}
    std::string_view name;  // the router's (NextHop::name), which lives as long as the MTA
    ConcurrencyWindow window;
    int sessions = 0;
    // Lists, not deques: an empty list allocates nothing, and a run keeps one Destination
    // for every next hop each MTA ever used, nearly all of them idle.
    std::list<Job> pending;
    // Postfix's on-demand connection cache, as its in-core queue keeps it: DEL_REQ_FLAG_CONN_STORE
    // and _LOAD, and when a delivery to it last ended. Forgotten when nothing waits or runs.
    bool cache_store = false;
    bool cache_load = false;
    std::optional<Time> last_done;
    std::list<std::pair<CachedSession, EventId>> cached;  // idle sessions, their expiry
    bool dead = false;
    DeliveryResult suspended;  // what a delivery to it gets while it is dead
  };

  Id intern(NextHop nexthop);
  void start_pending(Id id);
  void run(Id id, Job&& job);
  void submit_now(Id id, Job&& job);
  void message_delivery_done(MessageNumber msg);
  bool select(Destination& d);
  void session_ended(Id id);
  bool park(Id id, const CachedSession& session, Time connected, int transactions);
  std::optional<CachedSession> take_cached(Destination& d);
  bool reusable(Time connected, int transactions) const;
  void with_feedback(Id id, Job& job);
  void job_done(Id id, std::uint32_t slot, const DeliveryResult& result);
  std::optional<DeliveryJob> reuse(Id id, Time connected, int transactions);
  void feedback(Id id, const DeliveryResult& result);
  void declare_dead(Id id, const DeliveryResult& result);
  void defer_now(Destination& d, Job&& job);
  void defer_now(DeliveryResult result, Job&& job);
  std::string host_key(std::string_view nexthop) const;

  DeliveryContext context_;
  const QueueLimits& limits_;
  std::map<std::string, RetryRecord>* host_retry_;
  // By Id; none is ever removed. Null for the router's next hops that never had a delivery (local
  // ones, those only deferred or bounced).
  // Pointers, so that finding whether one is made reads only this vector.
  std::vector<std::unique_ptr<Destination>> destinations_;
  // The callers' `done` of the deliveries running, while with_feedback()'s handler (which
  // holds only the slot) stands in for them; free slots are reused.
  std::vector<DeliveryDone> running_done_;
  std::vector<std::uint32_t> free_slots_;
  // Exim's remote_max_parallel: per message, its deliveries running and those waiting.
  struct MessageDeliveries {
    int running = 0;
    std::deque<std::pair<Id, Job>> waiting;  // next hop, delivery
  };
  std::map<MessageNumber, MessageDeliveries> by_message_;
};

}  // namespace mailsim::mta
