// The engine's pending-event queue: a radix heap (Ahuja, Mehlhorn, Orlin and Tarjan
// 1990) over 128-bit keys (time, order), where order packs the scheduling sequence
// number (high 40 bits: the FIFO tie-break) and the handler's slot (low 24 bits).
// Simulated time never goes back, so keys leave in increasing order and a radix heap
// applies, here with 4-bit digits: a push is an append to the bucket of the highest digit
// in which the key differs from the last key taken out; a pop takes the smallest key of
// the lowest non-empty bucket and spreads that bucket over lower ones. Every pass is sequential, so
// it stays fast when the queue outgrows the caches. Buckets keep their capacity: no allocation per
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
    if (buckets_[0].empty()) occupied_[0] &= ~std::uint64_t{1};
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
  // Bucket 0 holds keys equal to last_. Otherwise a key's bucket is given by the highest
  // 4-bit digit in which it differs from last_ (position p, 0..31, counted over the
  // 128-bit key) and its own value v of that digit: 1 + 16p + v. Buckets in increasing
  // index hold increasing keys, and a bucket spread over lower ones moves each key down
  // at least one digit, so a key moves at most 32 times and in practice once or twice.
  static constexpr std::size_t kBuckets = 1 + 32 * 16;
  static constexpr std::size_t kWords = (kBuckets + 63) / 64;

  static bool less(const Entry& a, const Entry& b) {
    return a.t < b.t || (a.t == b.t && a.order < b.order);
  }
  std::size_t bucket_of(const Entry& e) const {
    if (const std::uint64_t dt = e.t ^ last_.t; dt != 0) {
      const unsigned digit = static_cast<unsigned>(63 - std::countl_zero(dt)) / 4;
      return 1 + 16 * (16 + digit) + ((e.t >> (4 * digit)) & 15);
    }
    const std::uint64_t d = e.order ^ last_.order;
    if (d == 0) return 0;
    const unsigned digit = static_cast<unsigned>(63 - std::countl_zero(d)) / 4;
    return 1 + 16 * digit + ((e.order >> (4 * digit)) & 15);
  }
  void place(const Entry& e) {
    const std::size_t b = bucket_of(e);
    buckets_[b].push_back(e);
    occupied_[b >> 6] |= std::uint64_t{1} << (b & 63);
  }
  // Makes the smallest key last_ and moves it to bucket 0. REQUIRES: bucket 0 empty, !empty().
  void refill() {
    std::size_t w = 0;
    while (occupied_[w] == 0) ++w;
    const std::size_t b = w * 64 + static_cast<std::size_t>(std::countr_zero(occupied_[w]));
    std::vector<Entry>& from = buckets_[b];
    occupied_[w] &= occupied_[w] - 1;
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
    occupied_ = {};
    last_ = e;
    for (const Entry& x : all) place(x);
  }

  std::array<std::vector<Entry>, kBuckets> buckets_;
  std::array<std::uint64_t, kWords> occupied_ = {};  // bit b: bucket b is not empty
  Entry last_ = {0, 0};
  std::size_t size_ = 0;
};

}  // namespace mailsim
