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
    if (s.run != nullptr) discard(s);
  });
}

void Simulator::discard(Slot& s) {
  void (*destroy)(void*) = s.destroy;
  s.run = nullptr;
  s.seq = 0;
  destroy(s.storage);
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
  --pending_;
  discard(slot(id.slot_));  // the queue entry stays; the slot is released when it is popped
  return true;
}

bool Simulator::is_pending(EventId id) const {
  if (!id.valid() || id.slot_ >= slots_used_) return false;
  const Slot& s = slot(id.slot_);
  return s.seq == id.seq_ && s.run != nullptr;
}

// Inlined into the loops below: one call less per event.
[[gnu::always_inline]] inline void Simulator::run_entry(const Entry& e) {
  const auto index = EventQueue::slot_of(e);
  Slot& s = slot(index);
  if (s.run == nullptr) {  // cancelled
    release_slot(index);
    return;
  }
  now_ = Time::from_ns(static_cast<std::int64_t>(e.t));
  --pending_;
  ++executed_;
  // The handler runs in place: slots live in fixed chunks, so scheduling from inside the
  // handler cannot move it. Clearing seq first makes the running event not pending, so
  // that a handler cancelling its own id is harmless.
  void (*invoke_and_destroy)(void*) = s.run;
  s.seq = 0;
  try {
    invoke_and_destroy(s.storage);
  } catch (...) {  // the handler threw before destroying itself
    s.destroy(s.storage);
    release_slot(index);
    throw;
  }
  release_slot(index);
}

bool Simulator::step() {
  while (!queue_.empty()) {
    const Entry e = queue_.pop();
    const bool live = slot(EventQueue::slot_of(e)).run != nullptr;
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
  while (!stopped_ && !queue_.empty()) run_entry(queue_.pop());
}

}  // namespace mailsim
