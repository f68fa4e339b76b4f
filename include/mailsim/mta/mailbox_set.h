// The local parts an MTA has mailboxes for, as a scenario names them: single names ("bob")
// and numbered ranges ("u{1..20000}": a prefix, a number of the range written as
// std::to_chars writes it, a suffix). A range is kept as its pieces, not as its names: a
// provider's MX holds 20,000 mailboxes and checks one at every RCPT, and parsing the number
// costs less than a probe into megabytes of names that are cold by then. Plain data in
// lower case, copied with the MTA's configuration.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "mailsim/core/flat_hash.h"

namespace mailsim::mta {

class MailboxSet {
 public:
  // Adds `local_part`, lower-cased.
  void add(std::string_view local_part);
  // Adds prefix + n + suffix for every n from `first` to `last` (in decimal, without
  // leading zeros), lower-cased. REQUIRES: first <= last < 10^19 (a scenario's ranges end
  // at 10^9 at most).
  void add_range(std::string_view prefix, std::uint64_t first, std::uint64_t last,
                 std::string_view suffix);

  // Whether `local_part` (REQUIRES: in lower case) is one of them. Each range is tried in
  // turn: scenarios give an MTA one or a few; hundreds would want them keyed by prefix.
  bool contains(std::string_view local_part) const;

 private:
  static constexpr std::size_t kMaxDigits = 19;  // of a number below 10^19 < 2^64
  struct Range {
    std::string prefix;
    std::string suffix;
    std::uint64_t first = 0;
    std::uint64_t last = 0;
    bool contains(std::string_view local_part) const;
  };
  TextSet names_;
  std::vector<Range> ranges_;
};

}  // namespace mailsim::mta
