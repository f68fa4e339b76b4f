// The engine's pending-event queue: a radix heap (Ahuja, Mehlhorn, Orlin and Tarjan
// 1990) over 128-bit keys (time, order), where order packs the scheduling sequence
// number (high 40 bits: the FIFO tie-break) and the handler's slot (low 24 bits).
// Simulated time never goes back, so keys leave in increasing order and a radix heap
// applies, here with 4-bit digits: a push is an append to the bucket of the highest digit
// in which the key differs from the last key taken out; a pop takes the smallest key of
// the lowest non-empty bucket and spreads that bucket over lower ones, or, when that
// bucket is small, sorts it into a short front list that pops serve directly. Every pass
// is sequential, so it stays fast when the queue outgrows the caches, and buckets keep
// their capacity: no allocation per event once warm. Limits: 2^24 entries (events not yet due,
// cancelled ones included) and 2^40 events per run (checked by Simulator). Internal to Simulator.
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

  // Up to this many entries (all of them cached) mispredicted branches are most of a sort's
  // cost, so a small lowest bucket is sorted by rank, which branches on no key; above it,
  // by insertion, which takes fewer instructions (whole runs, whose queues are larger,
  // took 1.3 % more instructions when the rank sort was tried at every size).
  static constexpr std::size_t kRankSortMax = 1024;

  bool empty() const { return size_ == 0; }
  std::size_t size() const { return size_; }

  // Takes the entry by value: built in registers, it goes to its bucket with no copy through
  // the stack (two 8-byte stores read back as one 16-byte load stall the store forwarding).
  void push(Entry e) {
    ++size_;
    // A key above bound_ belongs in a bucket, so most pushes compare once and go there;
    // the rest go to front_ or rebuild the buckets (see push_below_bound).
    if (less(e, bound_)) [[unlikely]] {
      return push_below_bound(e);
    }
    place(e, last_);
  }

  // The smallest entry. REQUIRES: !empty().
  const Entry& top() {
    if (front_.empty()) refill();
    return front_.back();
  }

  // Removes and returns the smallest entry. REQUIRES: !empty().
  Entry pop() {
    const Entry e = top();
    front_.pop_back();
    --size_;
    return e;
  }
  // Whether the smallest entries wait sorted, so that take() may remove one.
  bool ready() const { return !front_.empty(); }
  // The entry take() would return. REQUIRES: ready().
  const Entry& next() const { return front_.back(); }
  // Removes and returns the smallest entry. REQUIRES: ready().
  Entry take() {
    const Entry e = front_.back();
    front_.pop_back();
    --size_;
    return e;
  }

  template <class F>
  void for_each(F f) const {
    for (const Entry& e : front_) f(e);
    for (const auto& bucket : buckets_) {
      for (const Entry& e : bucket) f(e);
    }
  }

 private:
  // The smallest keys wait in front_, sorted in decreasing order so that the next one is at
  // the back: every key there is smaller than every key in a bucket. When front_ runs out,
  // the lowest bucket moves there whole if it is small, and is spread over lower buckets
  // otherwise. Bucket 0 holds keys equal to last_. Otherwise a key's bucket is given by the highest
  // 4-bit digit in which it differs from last_ (position p, 0..31, counted over the
  // 128-bit key) and its own value v of that digit: 1 + 16p + v. Buckets in increasing
  // index hold increasing keys, and a bucket spread over lower ones moves each key down
  // at least one digit, so a key moves at most 32 times and in practice once or twice.
  static constexpr std::size_t kBuckets = 1 + 32 * 16;
  static constexpr std::size_t kWords = (kBuckets + 63) / 64;

  // One 128-bit comparison (cmp and sbb, no branch) instead of comparing t, then order.
  __extension__ using Key = unsigned __int128;
  static Key key(const Entry& e) { return Key{e.t} << 64 | e.order; }
  static bool less(const Entry& a, const Entry& b) { return key(a) < key(b); }
  // `last` is last_, passed so that a loop of placements keeps it in registers. The digit
  // at bit `shift` (a multiple of 4) has position p = shift / 4, so 16p = 4 * shift.
  static std::size_t bucket_of(const Entry& e, const Entry& last) {
    if (const std::uint64_t dt = e.t ^ last.t; dt != 0) {
      const unsigned shift = static_cast<unsigned>(63 - std::countl_zero(dt)) & ~3u;
      return 1 + 16 * 16 + 4 * shift + ((e.t >> shift) & 15);
    }
    const std::uint64_t d = e.order ^ last.order;
    if (d == 0) return 0;
    const unsigned shift = static_cast<unsigned>(63 - std::countl_zero(d)) & ~3u;
    return 1 + 4 * shift + ((e.order >> shift) & 15);
  }
  void place(const Entry& e, const Entry& last) {
    const std::size_t b = bucket_of(e, last);
    std::vector<Entry>& bucket = buckets_[b];
    // Growing is rare (buckets keep their capacity) and out of line; the second test tells
    // the compiler that push_back then never reallocates, which leaves its reallocation
    // code out of every inlined push (fewer registers saved in each handler that schedules).
    if (bucket.size() == bucket.capacity()) [[unlikely]]
      grow(bucket);
    if (bucket.size() == bucket.capacity()) __builtin_unreachable();
    bucket.push_back(e);
    occupied_[b >> 6] |= std::uint64_t{1} << (b & 63);
  }
  [[gnu::noinline]] static void grow(std::vector<Entry>& bucket) {
    bucket.reserve(std::max<std::size_t>(16, 2 * bucket.size()));
  }
  static constexpr std::size_t kFrontMax = 16;  // a lowest bucket this small is sorted whole

  // Fills front_ with the smallest keys. REQUIRES: front_ empty, !empty().
  void refill() {
    for (;;) {
      std::size_t w = 0;
      while (occupied_[w] == 0) ++w;
      const std::size_t b = w * 64 + static_cast<std::size_t>(std::countr_zero(occupied_[w]));
      std::vector<Entry>& from = buckets_[b];
      occupied_[w] &= occupied_[w] - 1;
      if (from.size() <= kFrontMax) {
        if (size_ <= kRankSortMax) {
          rank_into_front(from);
          from.clear();
        } else {
          front_.swap(from);  // both keep their capacity
          sort_front();
        }
        bound_ = front_.front();
        return;
      }
      spread(from);
    }
  }
  // Moves every key of a large bucket to lower ones, around its smallest key. Out of line:
  // rare, and refill stays small enough to be inlined into the engine's loops.
  [[gnu::noinline]] void spread(std::vector<Entry>& from) {
    const Entry smallest = *std::min_element(from.begin(), from.end(), less);
    last_ = smallest;
    for (const Entry& e : from) place(e, smallest);  // all land in buckets below `from`
    from.clear();
  }
  // Writes a small bucket into front_ in decreasing order, each key at its rank: the number
  // of larger keys (keys are distinct: order holds the sequence number). Quadratic, but no
  // branch depends on the keys: an insertion sort of keys in random order mispredicts about
  // once a key. Out of line, as spread.
  [[gnu::noinline]] void rank_into_front(const std::vector<Entry>& from) {
    const Entry* const first = from.data();
    const Entry* const last = first + from.size();
    front_.assign(first, last);  // sizes front_ (cheaper than resize's zeroing)
    for (const Entry* e = first; e != last; ++e) {
      const Key k = key(*e);
      std::size_t larger = 0;
      for (const Entry* other = first; other != last; ++other) larger += k < key(*other);
      front_[larger] = *e;
    }
  }
  // Insertion sort into decreasing order: front_ holds at most kFrontMax keys, usually a
  // handful, where it beats std::sort's set-up.
  void sort_front() {
    Entry* const first = front_.data();
    Entry* const last = first + front_.size();
    for (Entry* i = first + 1; i < last; ++i) {
      const Entry e = *i;
      Entry* j = i;
      for (; j != first && less(*(j - 1), e); --j) *j = *(j - 1);
      *j = e;
    }
  }
  // bound_ is front_'s largest key when front_ is not empty, else some key >= last_ (the
  // last one taken from front_, or the one that rebuilt the buckets): a key above it
  // belongs in a bucket. One below it belongs in front_, or, with front_ empty, is below
  // last_ (possible when top() made a later key last_ and the clock then stopped before
  // it: run_until) or in a bucket as usual.
  [[gnu::noinline]] void push_below_bound(Entry e) {
    if (!front_.empty()) return insert_front(e);
    if (less(e, last_)) return rebase(e);
    place(e, last_);
  }
  // Keeps front_ in decreasing order: the new key goes in at the back and moves up past the
  // smaller ones, usually none or a few (a key at the current time).
  void insert_front(const Entry& e) {
    front_.push_back(e);
    Entry* const first = front_.data();
    Entry* at = first + front_.size() - 1;
    for (; at != first && less(*(at - 1), e); --at) *at = *(at - 1);
    *at = e;
  }
  // Rebuilds the buckets around a new smallest key, below last_. REQUIRES: front_ empty.
  void rebase(const Entry& e) {
    std::vector<Entry> all(front_.begin(), front_.end());
    all.reserve(size_);
    front_.clear();
    for (auto& bucket : buckets_) {
      all.insert(all.end(), bucket.begin(), bucket.end());
      bucket.clear();
    }
    occupied_ = {};
    last_ = e;
    all.push_back(e);
    for (const Entry& x : all) place(x, e);
  }

  std::vector<Entry> front_;
  std::array<std::vector<Entry>, kBuckets> buckets_;
  std::array<std::uint64_t, kWords> occupied_ = {};  // bit b: bucket b is not empty
  Entry last_ = {0, 0};
  Entry bound_ = {0, 0};
  std::size_t size_ = 0;
};

}  // namespace mailsim
