// The engine's pending-event queue: a radix heap (Ahuja, Mehlhorn, Orlin and Tarjan
// 1990) over 128-bit keys (time, order), where order packs the scheduling sequence
// number (high 40 bits: the FIFO tie-break) and the handler's slot (low 24 bits).
// Simulated time never goes back, so keys leave in increasing order and a radix heap
// applies: a push is an append to the bucket of the highest bit in which the key differs
// from the last key taken out; a pop takes the smallest key of the lowest non-empty
// bucket and spreads that bucket over lower ones. Every pass is sequential, so it stays
// fast when the queue outgrows the caches. Buckets keep their capacity: no allocation per
// event once warm. Limits: 2^24 pending events and 2^40 events per run (asserted by
// Simulator). Internal to Simulator.
#pragma once

#include <algorithm>
#include <array>
#include <bit>
#include <cassert>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace mailsim {

class EventQueue {
 public:
  struct Entry {
    std::uint64_t t;      // nanoseconds
    std::uint64_t order;  // seq << kSlotBits | slot
  };
  static constexpr unsigned kSlotBits = 24;
  static constexpr std::uint64_t kSlotMask = (std::uint64_t{1} << kSlotBits) - 1;
  static std::uint32_t slot_of(const Entry& e) {
    return static_cast<std::uint32_t>(e.order & kSlotMask);
  }

  bool empty() const { return size_ == 0; }
  std::size_t size() const { return size_; }

  void push(const Entry& e) {
    if (less(e, last_)) rebase(e);  // only after top() looked past a key later pushed
    place(e);
    ++size_;
  }

  // The smallest entry. REQUIRES: !empty().
  const Entry& top() {
    if (buckets_[0].empty()) refill();
    return buckets_[0].back();
  }

  // Removes and returns the smallest entry. REQUIRES: !empty().
  Entry pop() {
    const Entry e = top();
    buckets_[0].pop_back();
    --size_;
    return e;
  }

  template <class F>
  void for_each(F f) const {
    for (const auto& bucket : buckets_) {
      for (const Entry& e : bucket) f(e);
    }
  }

 private:
  static constexpr std::size_t kBuckets = 129;  // 0: equal to last_; b: highest differing bit b

  static bool less(const Entry& a, const Entry& b) {
    return a.t < b.t || (a.t == b.t && a.order < b.order);
  }
  std::size_t bucket_of(const Entry& e) const {
    if (const std::uint64_t dt = e.t ^ last_.t; dt != 0) {
      return 128 - static_cast<std::size_t>(std::countl_zero(dt));
    }
    return 64 - static_cast<std::size_t>(std::countl_zero(e.order ^ last_.order));
  }
  void place(const Entry& e) {
    const std::size_t b = bucket_of(e);
    buckets_[b].push_back(e);
    if (b != 0) occupied_[(b - 1) >> 6] |= std::uint64_t{1} << ((b - 1) & 63);
  }
  // Makes the smallest key last_ and moves it to bucket 0. REQUIRES: bucket 0 empty, !empty().
  void refill() {
    const std::size_t b = occupied_[0] != 0 ? 1 + std::countr_zero(occupied_[0])
                                            : 65 + std::countr_zero(occupied_[1]);
    std::vector<Entry>& from = buckets_[b];
    occupied_[(b - 1) >> 6] &= ~(std::uint64_t{1} << ((b - 1) & 63));
    last_ = *std::min_element(from.begin(), from.end(), less);
    for (const Entry& e : from) place(e);  // all land in buckets below b
    from.clear();
  }
  // A key below last_: possible when top() made a later key last_ and the clock then
  // stopped before it (run_until). Rebuilds the buckets around the new smallest key.
  void rebase(const Entry& e) {
    std::vector<Entry> all;
    all.reserve(size_);
    for (auto& bucket : buckets_) {
      all.insert(all.end(), bucket.begin(), bucket.end());
      bucket.clear();
    }
    occupied_ = {0, 0};
    last_ = e;
    for (const Entry& x : all) place(x);
  }

  std::array<std::vector<Entry>, kBuckets> buckets_;
  std::array<std::uint64_t, 2> occupied_ = {0, 0};  // buckets 1..64, 65..128
  Entry last_ = {0, 0};
  std::size_t size_ = 0;
};

}  // namespace mailsim
