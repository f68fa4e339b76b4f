#include "mta/destinations.h"

#include <algorithm>
#include <utility>

namespace mailsim::mta {

std::vector<DeliveryRequest> split_by_recipient_limit(DeliveryRequest request, int limit) {
  std::vector<DeliveryRequest> out;
  const std::size_t n = request.envelope.rcpt_to.size();
  const auto step = static_cast<std::size_t>(limit);
  for (std::size_t first = 0; first < n; first += step) {
    const std::size_t last = std::min(n, first + step);
    DeliveryRequest part = request;
    part.envelope.rcpt_to.assign(request.envelope.rcpt_to.begin() + first,
                                 request.envelope.rcpt_to.begin() + last);
    part.envelope.rcpt_options.assign(request.envelope.rcpt_options.begin() + first,
                                      request.envelope.rcpt_options.begin() + last);
    out.push_back(std::move(part));
  }
  return out;
}

Destinations::Destinations(const DeliveryContext& context, const QueueLimits& limits)
    : context_(context), limits_(limits) {}

void Destinations::submit(const std::string& nexthop, DeliveryRequest request, DeliveryDone done) {
  by_name_[nexthop].pending.push_back({std::move(request), std::move(done)});
  start_pending(nexthop);
}

int Destinations::sessions(const std::string& nexthop) const {
  const auto it = by_name_.find(nexthop);
  return it == by_name_.end() ? 0 : it->second.sessions;
}

std::size_t Destinations::waiting(const std::string& nexthop) const {
  const auto it = by_name_.find(nexthop);
  return it == by_name_.end() ? 0 : it->second.pending.size();
}

void Destinations::start_pending(const std::string& nexthop) {
  Destination& d = by_name_[nexthop];
  while (!d.pending.empty() && d.sessions < limits_.destination_concurrency_limit) {
    Job job = std::move(d.pending.front());
    d.pending.pop_front();
    run(nexthop, std::move(job));
  }
}

void Destinations::run(const std::string& nexthop, Job job) {
  ++by_name_[nexthop].sessions;
  start_delivery(context_, std::move(job.request),
                 [this, nexthop, done = std::move(job.done)](const DeliveryResult& result) {
                   --by_name_[nexthop].sessions;
                   done(result);
                   start_pending(nexthop);
                 });
}

}  // namespace mailsim::mta
