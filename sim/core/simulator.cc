#include "mailsim/core/simulator.h"

#include <cstdio>
#include <cstdlib>

namespace mailsim {

Simulator::Simulator() = default;

Simulator::~Simulator() {
  // A handler's destructor may cancel other pending events (or its own): each slot is
  // marked dead before its handler is destroyed.
  queue_.for_each([this](const Entry& e) {
    Slot& s = slot(EventQueue::slot_of(e));
    if (s.ops != nullptr) discard(s);
  });
}

void Simulator::discard(Slot& s) {
  const Ops* ops = s.ops;
  s.ops = nullptr;
  s.seq = 0;
  ops->destroy(s.storage);
}

void Simulator::fail(const char* what) {
  std::fprintf(stderr, "mailsim: engine limit exceeded: %s\n", what);
  std::abort();
}

std::uint32_t Simulator::new_slot() {
  if (slots_used_ > EventQueue::kSlotMask) fail("more than 2^24 pending events");
  if ((slots_used_ & (kChunkSize - 1)) == 0)
    chunks_.push_back(std::make_unique<Slot[]>(kChunkSize));
  return slots_used_++;
}

bool Simulator::cancel(EventId id) {
  if (!is_pending(id)) return false;
  ++cancelled_;
  ++cancelled_queued_;
  discard(slot(id.slot_));  // the queue entry stays; the slot is released when it is popped
  return true;
}

bool Simulator::is_pending(EventId id) const {
  // A slot's seq is 0 unless it holds a pending event; id.seq_ is 0 only when invalid.
  return id.valid() && id.slot_ < slots_used_ && slot(id.slot_).seq == id.seq_;
}

// Inlined into the loops below: one call less per event.
[[gnu::always_inline]] inline void Simulator::run_entry(const Entry& e) {
  const auto index = EventQueue::slot_of(e);
  Slot& s = slot(index);
  const Ops* ops = s.ops;
  if (ops == nullptr) [[unlikely]] {  // cancelled
    --cancelled_queued_;
    release_slot(s, index);
    return;
  }
  now_ = Time::from_ns(static_cast<std::int64_t>(e.t));
  // The handler runs in place: slots live in fixed chunks, so scheduling from inside the
  // handler cannot move it. Clearing seq first makes the running event not pending, so
  // that a handler cancelling its own id is harmless.
  s.seq = 0;
  try {
    ops->run(s.storage);
  } catch (...) {  // the handler threw before destroying itself
    ops->destroy(s.storage);
    release_slot(s, index);
    throw;
  }
  release_slot(s, index);
}

bool Simulator::step() {
  while (!queue_.empty()) {
    const Entry e = queue_.pop();
    const bool live = slot(EventQueue::slot_of(e)).ops != nullptr;
    run_entry(e);
    if (live) return true;
  }
  return false;
}

void Simulator::run_until(Time t) {
  stopped_ = false;
  if (t < now_) return;
  while (!stopped_ && !queue_.empty() && queue_.top().t <= static_cast<std::uint64_t>(t.ns()))
    run_entry(queue_.pop());
  if (!stopped_ && t > now_) now_ = t;
}

void Simulator::run() {
  stopped_ = false;
  while (!stopped_) {
    if (!queue_.ready()) [[unlikely]] {
      if (queue_.empty()) break;
      queue_.top();  // sorts the next smallest entries
    }
    run_entry(queue_.take());
  }
}

}  // namespace mailsim
