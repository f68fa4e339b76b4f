// TextArena: the text of a batch of recorder rows, in large blocks that the rows' string
// views point into. Private to the record layer; not thread-safe (a batch is filled on the
// simulation thread, then handed whole to the writer thread).
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstring>
#include <memory>
#include <string_view>
#include <vector>

namespace mailsim::record {

// The text of a batch's rows, copied into large blocks: a row's string costs no
// allocation of its own on the simulation thread, and no free of its own on the writer's.
// Views stay valid while the arena lives, moves included.
class TextArena {
 public:
  std::string_view keep(std::string_view s) {
    // Never a null data(): SQLite binds a null pointer as NULL, not as ''.
    if (s.empty()) return std::string_view("", 0);
    if (blocks_.empty() || s.size() > size_ - used_) add_block(s.size());
    char* at = blocks_.back().get() + used_;
    std::memcpy(at, s.data(), s.size());
    used_ += s.size();
    return {at, s.size()};
  }

 private:
  static constexpr std::size_t kBlockSize = 64 * 1024;
  void add_block(std::size_t at_least) {
    size_ = std::max(kBlockSize, at_least);
    blocks_.push_back(std::make_unique_for_overwrite<char[]>(size_));
    used_ = 0;
  }

  std::vector<std::unique_ptr<char[]>> blocks_;
  std::size_t size_ = 0;  // of the last block
  std::size_t used_ = 0;  // of the last block
};

}  // namespace mailsim::record
