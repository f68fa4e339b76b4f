// TextArena: the text of a batch of recorder rows, in large blocks that the rows' string
// views point into. Private to the record layer; not thread-safe (a batch is filled on the
// simulation thread, then handed whole to the writer thread).
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstring>
#include <memory>
#include <string_view>
#include <utility>
#include <vector>

namespace mailsim::record {

// The text of a batch's rows, copied into large blocks: a row's string costs no
// allocation of its own on the simulation thread, and no free of its own on the writer's.
// Views stay valid while the arena lives, moves included, until clear().
class TextArena {
 public:
  TextArena() = default;
  // A moved-from arena is empty, not left pointing into the blocks it gave away.
  TextArena(TextArena&& other) noexcept { *this = std::move(other); }
  TextArena& operator=(TextArena&& other) noexcept {
    if (this == &other) return *this;
    blocks_ = std::move(other.blocks_);
    current_ = std::exchange(other.current_, kNone);
    end_ = std::exchange(other.end_, nullptr);
    room_ = std::exchange(other.room_, 0);
    return *this;
  }

  std::string_view keep(std::string_view s) {
    // Never a null data(): SQLite binds a null pointer as NULL, not as ''.
    if (s.empty()) return std::string_view("", 0);
    if (s.size() > room_) next_block(s.size());
    char* at = end_ - room_;
    std::memcpy(at, s.data(), s.size());
    room_ -= s.size();
    return {at, s.size()};
  }

  // Forgets the text and keeps the blocks, for a batch used again: its pages are mapped
  // already, where fresh blocks would cost page faults (huge pages zeroed whole).
  void clear() {
    current_ = kNone;
    end_ = nullptr;
    room_ = 0;
  }

 private:
  static constexpr std::size_t kBlockSize = 64 * 1024;
  static constexpr std::size_t kNone = static_cast<std::size_t>(-1);
  struct Block {
    std::unique_ptr<char[]> data;
    std::size_t size = 0;
  };

  // Moves on to the next block that holds `at_least`, replacing a kept one too small.
  void next_block(std::size_t at_least) {
    ++current_;
    if (current_ == blocks_.size()) blocks_.emplace_back();
    Block& b = blocks_[current_];
    if (b.size < at_least) {
      b.size = std::max(kBlockSize, at_least);
      b.data = std::make_unique_for_overwrite<char[]>(b.size);
    }
    end_ = b.data.get() + b.size;
    room_ = b.size;
  }

  std::vector<Block> blocks_;
  std::size_t current_ = kNone;  // the block being filled (kNone + 1 == 0)
  char* end_ = nullptr;          // of that block
  std::size_t room_ = 0;         // left in it
};

}  // namespace mailsim::record
