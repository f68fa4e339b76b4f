// The engine's priority queue: a 4-ary min-heap of 16-byte entries ordered by (time,
// order), where order packs the scheduling sequence number (high 40 bits, the FIFO
// tie-break) and the handler's slot (low 24 bits). Each node's 4 children share one
// 64-byte cache line; pop() walks the hole down without comparing against the moved
// entry (Floyd) and picks children without branches. Limits: 2^24 pending events and
// 2^40 events scheduled per run (asserted by Simulator).
#pragma once

#include <cassert>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <new>

namespace mailsim {

// 4-ary min-heap of 16-byte entries ordered by (time, order); each node's 4 children
// share one 64-byte cache line.
class EventHeap {
 public:
  struct Entry {
    std::uint64_t t;
    std::uint64_t order;  // seq << kSlotBits | slot
  };
  static constexpr unsigned kSlotBits = 24;
  static constexpr std::uint64_t kSlotMask = (std::uint64_t{1} << kSlotBits) - 1;
  static std::uint32_t slot_of(const Entry& e) {
    return static_cast<std::uint32_t>(e.order & kSlotMask);
  }

  EventHeap() { grow(1024); }
  ~EventHeap() { ::operator delete(base_, std::align_val_t(64)); }
  EventHeap(const EventHeap&) = delete;
  EventHeap& operator=(const EventHeap&) = delete;

  bool empty() const { return size_ == 0; }
  std::size_t size() const { return size_; }
  const Entry& top() const { return h_[0]; }
  const Entry& operator[](std::size_t i) const { return h_[i]; }

  void push(Entry e) {
    if (size_ == cap_) grow(cap_ * 2);
    std::size_t i = size_++;
    while (i > 0) {
      const std::size_t parent = (i - 1) / 4;
      if (!less(e, h_[parent])) break;
      h_[i] = h_[parent];
      i = parent;
    }
    h_[i] = e;
  }

  Entry pop() {
    const Entry top = h_[0];
    const Entry last = h_[--size_];
    const std::size_t n = size_;
    if (n == 0) return top;
    std::size_t i = 0;
    for (;;) {
      const std::size_t first = i * 4 + 1;
      std::size_t best;
      if (first + 4 <= n) {
        // The 16 grandchildren are 4 consecutive cache lines: fetch them while the
        // children are compared.
        const Entry* grand = h_ + (first * 4 + 1);
        __builtin_prefetch(grand);
        __builtin_prefetch(grand + 4);
        __builtin_prefetch(grand + 8);
        __builtin_prefetch(grand + 12);
        best = pick(pick(first, first + 1), pick(first + 2, first + 3));
      } else if (first < n) {
        best = first;
        for (std::size_t c = first + 1; c < n; ++c) best = pick(best, c);
      } else {
        break;
      }
      h_[i] = h_[best];
      i = best;
    }
    while (i > 0) {
      const std::size_t parent = (i - 1) / 4;
      if (!less(last, h_[parent])) break;
      h_[i] = h_[parent];
      i = parent;
    }
    h_[i] = last;
    return top;
  }

 private:
  __extension__ using U128 = unsigned __int128;
  static U128 key(const Entry& e) { return (static_cast<U128>(e.t) << 64) | e.order; }
  static bool less(const Entry& a, const Entry& b) { return key(a) < key(b); }
  std::size_t pick(std::size_t a, std::size_t b) const {
    // A mask, not a conditional: GCC turns `lt ? b : a` into a branch that random keys
    // mispredict half the time.
    const std::size_t mask = std::size_t{0} - static_cast<std::size_t>(less(h_[b], h_[a]));
    return a ^ ((a ^ b) & mask);
  }
  void grow(std::size_t cap) {
    // Index k lives at base_[k + 3], so children 4i+1..4i+4 start on a 64-byte boundary.
    auto* base =
        static_cast<Entry*>(::operator new((cap + 3) * sizeof(Entry), std::align_val_t(64)));
    if (base_ != nullptr) {
      std::memcpy(base + 3, h_, size_ * sizeof(Entry));
      ::operator delete(base_, std::align_val_t(64));
    }
    base_ = base;
    h_ = base + 3;
    cap_ = cap;
  }

  Entry* base_ = nullptr;
  Entry* h_ = nullptr;
  std::size_t size_ = 0;
  std::size_t cap_ = 0;
};

}  // namespace mailsim
