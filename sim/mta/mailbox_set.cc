#include "mailsim/mta/mailbox_set.h"

#include "mailsim/core/text.h"

namespace mailsim::mta {

void MailboxSet::add(std::string_view local_part) { names_.insert(ascii_lower(local_part)); }

void MailboxSet::add_range(std::string_view prefix, std::uint64_t first, std::uint64_t last,
                           std::string_view suffix) {
  ranges_.push_back({ascii_lower(prefix), ascii_lower(suffix), first, last});
}

bool MailboxSet::contains(std::string_view local_part) const {
  if (!names_.empty() && names_.contains(local_part)) return true;
  for (const Range& r : ranges_) {
    if (r.contains(local_part)) return true;
  }
  return false;
}

bool MailboxSet::Range::contains(std::string_view local_part) const {
  if (local_part.size() <= prefix.size() + suffix.size() ||
      local_part.size() - prefix.size() - suffix.size() > kMaxDigits ||
      !local_part.starts_with(prefix) || !local_part.ends_with(suffix)) {
    return false;
  }
  const std::string_view number =
      local_part.substr(prefix.size(), local_part.size() - prefix.size() - suffix.size());
  // The range's names have no leading zeros: "u01" is not u1 (but "u0" is u0).
  if (number.size() > 1 && number[0] == '0') return false;
  std::uint64_t n = 0;  // below 10^kMaxDigits: no overflow
  for (const char c : number) {
    if (c < '0' || c > '9') return false;
    n = n * 10 + static_cast<std::uint64_t>(c - '0');
  }
  return n >= first && n <= last;
}

}  // namespace mailsim::mta
