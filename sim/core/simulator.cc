#include "mailsim/core/simulator.h"

#include <sys/mman.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <system_error>

namespace mailsim {

Simulator::Simulator() {
  // Address space only: the pages become memory as new_slot() reaches them, so a run
  // is charged for the slots it uses even where the system does not overcommit.
  void* const room = ::mmap(nullptr, kMaxSlots * sizeof(Slot), PROT_NONE,
                            MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (room == MAP_FAILED) {
    throw std::system_error(errno, std::generic_category(),
                            "cannot reserve 1 GiB of address space for the event engine's slots "
                            "(is `ulimit -v` below that?)");
  }
  // Huge pages where the system allows them, as the heap has: fewer TLB misses once
  // the slots in use outgrow a few pages.
  ::madvise(room, kMaxSlots * sizeof(Slot), MADV_HUGEPAGE);
  slots_ = static_cast<Slot*>(room);
}

Simulator::~Simulator() {
  // A handler's destructor may cancel other pending events (or its own): each slot is
  // marked dead before its handler is destroyed.
  queue_.for_each([this](const Entry& e) {
    Slot& s = slot(EventQueue::slot_of(e));
    if (s.act != nullptr) discard(s);
  });
  ::munmap(slots_, kMaxSlots * sizeof(Slot));
}

void Simulator::discard(Slot& s) {
  const Act act = s.act;
  s.act = nullptr;
  s.seq = 0;
  act(s.storage, false);
}

void Simulator::fail(const char* what) {
  std::fprintf(stderr, "mailsim: engine limit exceeded: %s\n", what);
  std::abort();
}

std::uint32_t Simulator::new_slot() {
  if (slots_used_ > EventQueue::kSlotMask)
    fail("more than 2^24 events scheduled and not yet due (cancelled ones included)");
  const std::size_t end = (std::size_t{slots_used_} + 1) * sizeof(Slot);
  if (end > usable_bytes_) {
    const std::size_t grow = std::min(kUsableStep, kMaxSlots * sizeof(Slot) - usable_bytes_);
    char* const from = reinterpret_cast<char*>(slots_) + usable_bytes_;
    if (::mprotect(from, grow, PROT_READ | PROT_WRITE) != 0) throw std::bad_alloc();
    usable_bytes_ += grow;
  }
  ::new (static_cast<void*>(&slots_[slots_used_])) Slot;
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
  const Act act = s.act;
  if (act == nullptr) [[unlikely]] {  // cancelled
    --cancelled_queued_;
    release_slot(s, index);
    return;
  }
  now_ = Time::from_ns(static_cast<std::int64_t>(e.t));
  // The handler runs in place: slots never move, so scheduling from inside the handler
  // cannot move it. Clearing seq first makes the running event not pending, so
  // that a handler cancelling its own id is harmless.
  s.seq = 0;
  try {
    act(s.storage, true);
  } catch (...) {  // the handler threw before destroying itself
    act(s.storage, false);
    release_slot(s, index);
    throw;
  }
  release_slot(s, index);
}

// Inlined into the loops below. REQUIRES: queue_.ready().
[[gnu::always_inline]] inline Simulator::Entry Simulator::take_and_prefetch() {
  const Entry e = queue_.take();
  // With more slots pending than the first-level cache holds (64 bytes each), the slot of
  // the event after this one is fetched while this one runs. When this was the last entry
  // sorted, the next ones are sorted now rather than after it runs, so that the next slot
  // is known too (events this one schedules below them still go in order: see
  // EventQueue::push_below_bound). Below that the slots stay cached and a prefetch is only
  // cost.
  if (queue_.size() >= kPrefetchFrom) {
    __builtin_prefetch(&slot(EventQueue::slot_of(queue_.top())));
  }
  return e;
}

bool Simulator::step() {
  while (!queue_.empty()) {
    const Entry e = queue_.pop();
    const bool live = slot(EventQueue::slot_of(e)).act != nullptr;
    run_entry(e);
    if (live) return true;
  }
  return false;
}

void Simulator::run_until(Time t) {
  stopped_ = false;
  if (t < now_) return;
  const auto until = static_cast<std::uint64_t>(t.ns());
  while (!stopped_) {
    if (!queue_.ready()) [[unlikely]] {
      if (queue_.empty()) break;
      queue_.top();  // sorts the next smallest entries
    }
    if (queue_.next().t > until) break;
    // No prefetch here: in whole runs it cost more instructions than it was shown to save.
    run_entry(queue_.take());
  }
  if (!stopped_ && t > now_) now_ = t;
}

void Simulator::run() {
  stopped_ = false;
  while (!stopped_) {
    if (!queue_.ready()) [[unlikely]] {
      if (queue_.empty()) break;
      queue_.top();  // sorts the next smallest entries
    }
    run_entry(take_and_prefetch());
  }
}

}  // namespace mailsim
