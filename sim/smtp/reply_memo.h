// Whole replies remembered by their exact bytes, for a client's ReplyParser: a server
// answers EHLO with the same bytes every session (its name and extensions are fixed for a
// run), so a client reads the same few multi-line replies again and again. The parser keeps
// one memo per thread; a memo is not thread-safe. Entries are copies of what they were given.
#pragma once

#include <cstddef>
#include <string_view>

#include "mailsim/core/flat_hash.h"
#include "mailsim/smtp/reply.h"

namespace mailsim::smtp {

class ReplyMemo {
 public:
  // Past this many entries the memo starts over, so that replies that never repeat (a
  // server whose reply names the client) cannot grow it without limit.
  static constexpr std::size_t kMaxEntries = 4096;
  // Longer bytes are not kept: such replies are rare, and an entry holds its text twice.
  static constexpr std::size_t kMaxBytes = 1024;

  // Whether `bytes` may be an entry: they start a reply of several lines ("250-...") and
  // are at most kMaxBytes long. A one-line reply is parsed about as fast as it is looked up.
  static bool may_hold(std::string_view bytes) {
    return bytes.size() > 4 && bytes.size() <= kMaxBytes && bytes[3] == '-';
  }

  // The reply remembered for exactly `bytes`, or nullptr.
  const Reply* find(std::string_view bytes) const {
    const auto entry = replies_.find(bytes);
    return entry == replies_.end() ? nullptr : &entry->second;
  }
  // REQUIRES: may_hold(bytes), and `reply` is what a parser holding nothing reads from
  // `bytes`, which hold that reply whole and nothing after it.
  void remember(std::string_view bytes, const Reply& reply) {
    if (replies_.size() >= kMaxEntries) replies_.clear();
    replies_.emplace(std::string(bytes), reply);
  }
  std::size_t size() const { return replies_.size(); }

 private:
  TextMap<Reply> replies_;
};

}  // namespace mailsim::smtp
