// A binary min-heap over the elements 0..n-1, ordered by a key per element, that knows
// where each element sits: an element's key can change, or the element leave, in
// O(log n) without searching and without allocating once the vectors have grown. Equal
// keys go to the smaller element, so the order depends on the keys alone.
#pragma once

#include <cstddef>
#include <limits>
#include <utility>
#include <vector>

namespace mailsim {

template <typename Key>
class IndexedHeap {
 public:
  bool empty() const { return heap_.empty(); }
  std::size_t size() const { return heap_.size(); }
  std::size_t top() const { return heap_.front(); }  // REQUIRES: !empty()
  const Key& key(std::size_t element) const { return key_[element]; }
  bool contains(std::size_t element) const {
    return element < where_.size() && where_[element] != kAbsent;
  }

  // Inserts `element` with `key`, or moves it to its place for its new key.
  void set(std::size_t element, Key key) {
    if (element >= where_.size()) {
      where_.resize(element + 1, kAbsent);
      key_.resize(element + 1);
    }
    key_[element] = std::move(key);
    if (where_[element] == kAbsent) {
      where_[element] = heap_.size();
      heap_.push_back(element);
      sift_up(heap_.size() - 1);
    } else {
      sift_down(sift_up(where_[element]));
    }
  }

  void erase(std::size_t element) {
    if (!contains(element)) return;
    const std::size_t pos = where_[element];
    where_[element] = kAbsent;
    const std::size_t last = heap_.back();
    heap_.pop_back();
    if (pos == heap_.size()) return;
    heap_[pos] = last;
    where_[last] = pos;
    sift_down(sift_up(pos));
  }

  // Replaces the contents by the elements 0..keys.size()-1, in O(n).
  void assign(const std::vector<Key>& keys) {
    for (const std::size_t e : heap_) where_[e] = kAbsent;
    key_.assign(keys.begin(), keys.end());
    where_.assign(key_.size(), kAbsent);
    heap_.resize(key_.size());
    for (std::size_t e = 0; e < heap_.size(); ++e) heap_[e] = e;
    for (std::size_t pos = 0; pos < heap_.size(); ++pos) where_[heap_[pos]] = pos;
    for (std::size_t pos = heap_.size() / 2; pos-- > 0;) sift_down(pos);
  }

 private:
  static constexpr std::size_t kAbsent = std::numeric_limits<std::size_t>::max();

  bool before(std::size_t a, std::size_t b) const {
    return key_[a] < key_[b] || (!(key_[b] < key_[a]) && a < b);
  }
  void place(std::size_t pos, std::size_t element) {
    heap_[pos] = element;
    where_[element] = pos;
  }
  std::size_t sift_up(std::size_t pos) {
    const std::size_t element = heap_[pos];
    while (pos > 0) {
      const std::size_t parent = (pos - 1) / 2;
      if (!before(element, heap_[parent])) break;
      place(pos, heap_[parent]);
      pos = parent;
    }
    place(pos, element);
    return pos;
  }
  void sift_down(std::size_t pos) {
    const std::size_t element = heap_[pos];
    for (;;) {
      std::size_t child = 2 * pos + 1;
      if (child >= heap_.size()) break;
      if (child + 1 < heap_.size() && before(heap_[child + 1], heap_[child])) ++child;
      if (!before(heap_[child], element)) break;
      place(pos, heap_[child]);
      pos = child;
    }
    place(pos, element);
  }

  std::vector<std::size_t> heap_;   // elements in heap order
  std::vector<std::size_t> where_;  // element -> position in heap_, or kAbsent
  std::vector<Key> key_;            // element -> key
};

}  // namespace mailsim
