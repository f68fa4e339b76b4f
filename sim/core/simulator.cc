#include "mailsim/core/simulator.h"

namespace mailsim {

namespace {
constexpr std::size_t kArity = 4;
}  // namespace

Simulator::Simulator() { heap_.reserve(1024); }

Simulator::~Simulator() {
  for (const Entry& e : heap_) {
    Slot& s = slot(e.slot);
    if (s.invoke != nullptr) s.destroy(s.storage);
  }
}

std::uint32_t Simulator::allocate_slot() {
  if (free_head_ != kNoSlot) {
    const std::uint32_t i = free_head_;
    free_head_ = slot(i).next_free;
    return i;
  }
  if ((slots_used_ & (kChunkSize - 1)) == 0)
    chunks_.push_back(std::make_unique<Slot[]>(kChunkSize));
  return slots_used_++;
}

void Simulator::release_slot(std::uint32_t i) {
  Slot& s = slot(i);
  s.invoke = nullptr;
  s.destroy = nullptr;
  s.seq = 0;
  s.next_free = free_head_;
  free_head_ = i;
}

namespace {
inline bool earlier(std::int64_t at, std::uint64_t as, std::int64_t bt, std::uint64_t bs) {
  return at < bt || (at == bt && as < bs);
}
}  // namespace

void Simulator::push(Entry e) {
  std::size_t i = heap_.size();
  heap_.push_back(e);
  while (i > 0) {
    const std::size_t parent = (i - 1) / kArity;
    if (!earlier(e.t, e.seq, heap_[parent].t, heap_[parent].seq)) break;
    heap_[i] = heap_[parent];
    i = parent;
  }
  heap_[i] = e;
}

Simulator::Entry Simulator::pop() {
  const Entry top = heap_.front();
  const Entry last = heap_.back();
  heap_.pop_back();
  const std::size_t n = heap_.size();
  if (n == 0) return top;
  std::size_t i = 0;
  for (;;) {
    const std::size_t first = i * kArity + 1;
    if (first >= n) break;
    const std::size_t end = first + kArity < n ? first + kArity : n;
    std::size_t best = first;
    for (std::size_t c = first + 1; c < end; ++c) {
      if (earlier(heap_[c].t, heap_[c].seq, heap_[best].t, heap_[best].seq)) best = c;
    }
    if (!earlier(heap_[best].t, heap_[best].seq, last.t, last.seq)) break;
    heap_[i] = heap_[best];
    i = best;
  }
  heap_[i] = last;
  return top;
}

bool Simulator::cancel(EventId id) {
  if (!is_pending(id)) return false;
  Slot& s = slot(id.slot_);
  s.destroy(s.storage);
  s.invoke = nullptr;  // the heap entry stays; the slot is released when it is popped
  --pending_;
  return true;
}

bool Simulator::is_pending(EventId id) const {
  if (!id.valid() || id.slot_ >= slots_used_) return false;
  const Slot& s = slot(id.slot_);
  return s.seq == id.seq_ && s.invoke != nullptr;
}

void Simulator::run_entry(const Entry& e) {
  Slot& s = slot(e.slot);
  if (s.invoke == nullptr) {  // cancelled
    release_slot(e.slot);
    return;
  }
  now_ = Time::from_ns(e.t);
  --pending_;
  ++executed_;
  // The handler runs in place: slots live in fixed chunks, so scheduling from inside the
  // handler cannot move it. Clearing seq first makes the running event not pending, so
  // that a handler cancelling its own id is harmless.
  void (*invoke)(void*) = s.invoke;
  s.seq = 0;
  invoke(s.storage);
  s.destroy(s.storage);
  release_slot(e.slot);
}

bool Simulator::step() {
  while (!heap_.empty()) {
    const Entry e = pop();
    const bool live = slot(e.slot).invoke != nullptr;
    run_entry(e);
    if (live) return true;
  }
  return false;
}

void Simulator::run_until(Time t) {
  stopped_ = false;
  while (!stopped_ && !heap_.empty() && heap_.front().t <= t.ns()) run_entry(pop());
  if (!stopped_ && t > now_) now_ = t;
}

void Simulator::run() {
  stopped_ = false;
  while (!stopped_ && !heap_.empty()) run_entry(pop());
}

}  // namespace mailsim
