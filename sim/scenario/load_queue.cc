#include "scenario/load_queue.h"

namespace mailsim::scenario {

void read_queue(const Yaml& y, mta::QueueConfig& queue) {
  const Yaml q = y.expect_map();
  q.allow_only({"active_limit", "recipient_limit", "destination_concurrency_limit",
                "initial_destination_concurrency", "connection_reuse", "capacity"});
  if (q.has("active_limit")) {
    queue.active_limit = static_cast<std::size_t>(q["active_limit"].as_int(1, 100'000'000));
  }
  if (q.has("recipient_limit")) {
    queue.recipient_limit = static_cast<int>(q["recipient_limit"].as_int(1, 100'000));
  }
  if (q.has("destination_concurrency_limit")) {
    queue.destination_concurrency_limit =
        static_cast<int>(q["destination_concurrency_limit"].as_int(1, 100'000));
  }
  if (q.has("initial_destination_concurrency")) {
    queue.initial_destination_concurrency =
        static_cast<int>(q["initial_destination_concurrency"].as_int(1, 100'000));
  }
  if (q.has("connection_reuse")) queue.connection_reuse = q["connection_reuse"].as_bool();
  if (q.has("capacity")) {
    queue.capacity = static_cast<std::size_t>(q["capacity"].as_int(0, 100'000'000));
  }
}

}  // namespace mailsim::scenario
