#include "mailsim/mta/mta.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <map>
#include <utility>
#include <vector>

#include "mailsim/smtp/headers.h"
#include "mta/mta_impl.h"

namespace mailsim::mta {

namespace {

// Writes `value` in upper-case hex digits, zero-padded to `width`, at `out`: printf's
// "%0*llX". Returns the end of what it wrote: at most max(width, 16) characters.
char* put_hex(char* out, std::uint64_t value, int width) {
  int count = 1;
  while (count < 16 && value >> (4 * count) != 0) ++count;
  count = std::max(count, width);
  for (int i = count - 1; i >= 0; --i, value >>= 4) out[i] = "0123456789ABCDEF"[value & 0xfu];
  return out + count;
}

}  // namespace

std::string Mta::Impl::queue_id(QueueNumber number) const {
  // Postfix-like: hex digits, unique within this MTA, reproducible ("%05X%05llX").
  char id[kQueueIdSize];
  char* end = put_hex(id, (config.host * 2654435761u) & 0xfffffu, 5);
  end = put_hex(end, number, 5);
  return std::string(id, end);
}

// Loop detection refuses the message at the end of DATA, so the previous hop bounces it.
smtp::Reply Mta::Impl::receive(const smtp::SessionInfo& session, smtp::Envelope&& e,
                               const smtp::SharedMessage& received, net::NodeId client) {
  const HeaderFacts facts(received->header());
  if (too_many_hops(facts.received_fields(), config.hopcount_limit)) {
    return smtp::make_reply(554, "5.4.6", "Error: too many hops");
  }
  const QueueNumber number = next_queue_number();
  std::string id = queue_id(number);
  smtp::ReceivedFields f = received_fields(session, client, e);
  f.by_host = config.hostname;
  f.queue_id = id;
  f.unix_seconds = ctx.epoch_unix_seconds + ctx.sim.now().ns() / 1'000'000'000;
  smtp::SharedMessage message =
      with_trace_field(smtp::format_received(f, received->head().size()), *received);
  MessageNumber msg = ctx.catalog.find(facts.message_id()).value_or(0);
  if (msg == 0) {  // a message from outside the simulation (a real client, an unknown id)
    msg = ctx.catalog.add({0, std::string(facts.message_id()), e.mail_from, e.rcpt_to,
                           message->size(), config.name, ctx.sim.now(), MessageKind::kUser},
                          ctx.events);
  }
  // make_reply()'s, one line, put together on the stack: the reply's lines are its one copy.
  constexpr std::string_view kQueued = "Ok: queued as ";
  std::array<char, kQueued.size() + kQueueIdSize> text;
  char* const id_at = std::copy(kQueued.begin(), kQueued.end(), text.data());
  const char* const text_end = std::copy(id.begin(), id.end(), id_at);
  smtp::Reply reply{250, "2.0.0", {std::string_view(text.data(), text_end)}};
  enqueue(number, std::move(id), msg, std::move(e), std::move(message),
          ctx.network.topology().name(client));
  return reply;
}

// A message the content filter works on stays known by its number, so that the copy it
// queues is the same message even if the sender has given up and let its own copy go.
std::function<void()> Mta::Impl::keep_message(const smtp::Message& message) {
  const std::optional<MessageNumber> msg = ctx.catalog.find(message_id_of(message.header()));
  if (!msg) return {};
  ctx.catalog.hold(*msg);
  return [this, held = *msg] { ctx.catalog.release(held, ctx.sim.now(), ctx.events); };
}

void Mta::Impl::enqueue(QueueNumber number, std::string id, MessageNumber msg, smtp::Envelope&& e,
                        smtp::SharedMessage message, const std::string& from_node) {
  QueueEntry& entry = queue[number];
  ++count_of(EntryState::kIncoming);  // a new entry's state
  entry.number = number;
  entry.queue_id = std::move(id);
  entry.msg = msg;
  // MAIL FROM and its parameters; the recipients go to `rcpts`.
  entry.envelope.mail_from = std::move(e.mail_from);
  entry.envelope.body = e.body;
  entry.envelope.ret = e.ret;
  entry.envelope.envid = std::move(e.envid);
  entry.message = std::move(message);
  entry.arrival = ctx.sim.now();
  ctx.catalog.hold(msg);  // until the entry leaves the queue (settle, expire)
  entry.rcpts.resize(e.rcpt_to.size());
  for (std::size_t i = 0; i < e.rcpt_to.size(); ++i) {
    QueuedRecipient& r = entry.rcpts[i];
    r.address = std::move(e.rcpt_to[i]);
    if (i < e.rcpt_options.size()) r.options = std::move(e.rcpt_options[i]);
    r.due = entry.arrival;
  }
  ctx.events.message_queued({msg, host_name(), entry.queue_id, from_node, ctx.sim.now()});
  // Every MTA tries new mail at once; only retries wait for the scheduler.
  entry.wakeup = ctx.sim.schedule_in(config.processing_delay, [this, number] { activate(number); });
}

// The entry leaves the active queue (or its line); those waiting longest take the places.
void Mta::Impl::release_place(QueueNumber number) {
  active.release(number);
  for (const QueueNumber next : active.promote()) {
    ctx.sim.schedule_in(Duration{}, [this, next] { activate(next); });
  }
}

std::size_t& Mta::Impl::count_of(EntryState state) {
  if (counts_flag != nullptr) *counts_flag = true;
  if (state == EntryState::kActive) return counts.active;
  return state == EntryState::kDeferred ? counts.deferred : counts.incoming;
}

void Mta::Impl::set_state(QueueEntry& entry, EntryState state) {
  --count_of(entry.state);
  ++count_of(state);
  entry.state = state;
}

void Mta::Impl::remove_entry(QueueEntry& entry) {
  --count_of(entry.state);
  queue.erase(entry.number);
}

// Postfix's smtpd refuses MAIL while the queue file system lacks space (reference §4).
smtp::Reply Mta::Impl::check_capacity() const {
  if (limits.capacity != 0 && queue.size() >= limits.capacity) {
    return smtp::make_reply(452, "4.3.1", "Insufficient system storage");
  }
  // make_reply()'s, without splitting the text: every MAIL takes a copy of this one.
  static const smtp::Reply ok{250, "2.1.0", {"Ok"}};
  return ok;
}

void Mta::Impl::schedule(QueueEntry& entry, bool at_start) {
  const Time next = next_activation(config.retry, entry, queue_origin, ctx.sim.now(), at_start);
  ctx.sim.cancel(entry.wakeup);
  entry.wakeup = ctx.sim.schedule_at(next, [this, number = entry.number] { activate(number); });
}

// A (re)started MTA scans its deferred queue at once; periodic scans count from now.
void Mta::Impl::restart_queue() {
  queue_origin = ctx.sim.now();
  // In queue-id order (the queue is a hash map): the events are scheduled, and so run at
  // equal times, in the same order in every run.
  std::vector<QueueEntry*> deferred;
  for (auto& [number, entry] : queue) {
    if (entry.state == EntryState::kDeferred) deferred.push_back(&entry);
  }
  std::sort(deferred.begin(), deferred.end(),
            [](const QueueEntry* a, const QueueEntry* b) { return a->queue_id < b->queue_id; });
  for (QueueEntry* entry : deferred) schedule(*entry, true);
}

Mta::Mta(MtaConfig config, MtaContext context)
    : impl_(std::make_unique<Impl>(std::move(config), context)) {}
Mta::~Mta() = default;

const MtaConfig& Mta::config() const { return impl_->config; }

void Mta::start() {
  Impl* impl = impl_.get();
  impl->restart_queue();
  impl->receive_side.listen();
}

void Mta::set_service_up(bool up) {
  if (up == impl_->service_up) return;
  impl_->service_up = up;
  if (up) {
    start();
  } else {
    impl_->receive_side.unlisten();
  }
  impl_->ctx.events.service_changed({impl_->config.name, up, impl_->ctx.sim.now()});
}

void Mta::set_degraded_reply(std::size_t index, bool in_force) {
  impl_->receive_side.set_degraded(index, in_force);
}

void Mta::submit(smtp::Envelope envelope, smtp::SharedMessage message, std::string message_id) {
  MessageCreated created{0,
                         std::move(message_id),
                         std::move(envelope.mail_from),
                         std::move(envelope.rcpt_to),
                         message->size(),
                         impl_->config.name,
                         impl_->ctx.sim.now(),
                         MessageKind::kUser,
                         0,
                         "local"};
  const MessageNumber msg = impl_->ctx.catalog.add(created, impl_->ctx.events);
  // The addresses go on to the queue entry, not copied.
  envelope.mail_from = std::move(created.sender);
  envelope.rcpt_to = std::move(created.recipients);
  const QueueNumber number = impl_->next_queue_number();
  impl_->enqueue(number, impl_->queue_id(number), msg, std::move(envelope), std::move(message), "");
}

QueueCounts Mta::queue_counts() const { return impl_->counts; }

void Mta::flag_queue_changes(bool* flag) { impl_->counts_flag = flag; }

const std::map<std::string, std::vector<std::string>>& Mta::mailboxes() const {
  return impl_->mailboxes;
}

void Mta::drop_mailbox_copies() {
  impl_->ctx.keep_mailboxes = false;
  impl_->mailboxes.clear();
}

}  // namespace mailsim::mta
