// Open-addressing hash tables (tsl::robin_map, Debian's robin-map-dev) for the lookups a
// run makes by the million: a key, its value and its stored hash sit in one array slot,
// so a lookup is one probe into memory that is usually cold, where std::unordered_map
// follows a bucket to a node and the node to its key.
//
// Unlike std::unordered_map, an insert or an erase may move every element: keep no
// reference, pointer or iterator across either. The iteration order is the table's own;
// do not iterate where the order could reach results.
#pragma once

#include <tsl/robin_map.h>
#include <tsl/robin_set.h>

// Inlined, so that hashing a short key is a few instructions rather than a call.
#define XXH_INLINE_ALL
#include <xxhash.h>
#undef XXH_INLINE_ALL
#if XXH_VERSION_NUMBER < 800
#error "mailsim needs xxHash 0.8 or later (XXH3's output is stable from 0.8.0)"
#endif

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

namespace mailsim {

// A hash of text for tables of strings, looked up by std::string_view too (with
// std::equal_to<>), so that a lookup copies nothing. XXH3 (Debian's libxxhash-dev), inlined:
// the keys are domain names, local parts and whole replies, and libstdc++'s out-of-line
// std::hash spent about 100 instructions on each.
struct TextHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view text) const {
    return XXH3_64bits(text.data(), text.size());
  }
};

// For keys that compare cheaply (numbers): the hash is not stored. std::hash of an
// integer is the integer, and its slot is its low bits: keys counted up one by one sit
// side by side, but keys that differ only in their high bits all probe one slot, so put
// what varies in the low bits (or give a Hash that mixes).
template <class Key, class Value, class Hash = std::hash<Key>>
using FlatMap = tsl::robin_map<Key, Value, Hash, std::equal_to<>,
                               std::allocator<std::pair<Key, Value>>, /*StoreHash=*/false>;
// The same for a set of such keys.
template <class Key, class Hash = std::hash<Key>>
using FlatSet = tsl::robin_set<Key, Hash, std::equal_to<>, std::allocator<Key>,
                               /*StoreHash=*/false>;

// Strings, looked up by std::string_view without making a std::string. The stored hash
// spares a string compare (and the cache miss to a long string's text) at every slot
// probed whose hash differs.
using TextSet = tsl::robin_set<std::string, TextHash, std::equal_to<>, std::allocator<std::string>,
                               /*StoreHash=*/true>;
template <class Value>
using TextMap = tsl::robin_map<std::string, Value, TextHash, std::equal_to<>,
                               std::allocator<std::pair<std::string, Value>>, /*StoreHash=*/true>;

}  // namespace mailsim
