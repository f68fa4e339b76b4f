// The queue manager's view of its next hops, like Postfix's qmgr_queue.c: for each next
// hop (a "destination"), how many SMTP sessions run to it and which deliveries wait for a
// free one. A delivery starts when fewer than the destination's concurrency limit run;
// otherwise it waits in arrival order. Private to the mta layer; not thread-safe.
#pragma once

#include <cstddef>
#include <deque>
#include <map>
#include <string>
#include <vector>

#include "mailsim/mta/queue_config.h"
#include "mta/delivery.h"

namespace mailsim::mta {

// Splits one message's recipients for a next hop into transactions of at most `limit`
// recipients each, in envelope order. REQUIRES: limit >= 1.
std::vector<DeliveryRequest> split_by_recipient_limit(DeliveryRequest request, int limit);

class Destinations {
 public:
  // `context` and `limits` must outlive this object and every delivery it starts.
  Destinations(const DeliveryContext& context, const QueueLimits& limits);

  // Runs the delivery to `nexthop` now or when a session to it frees up; `done` is called
  // once, when it has ended.
  void submit(const std::string& nexthop, DeliveryRequest request, DeliveryDone done);

  int sessions(const std::string& nexthop) const;  // running to that next hop now
  std::size_t waiting(const std::string& nexthop) const;

 private:
  struct Job {
    DeliveryRequest request;
    DeliveryDone done;
  };
  struct Destination {
    int sessions = 0;
    std::deque<Job> pending;
  };

  void start_pending(const std::string& nexthop);
  void run(const std::string& nexthop, Job job);

  DeliveryContext context_;
  const QueueLimits& limits_;
  std::map<std::string, Destination> by_name_;
};

}  // namespace mailsim::mta
