// MailboxSet answers as the set of every name it stands for would: ranges are parsed, not
// spelled out, so each test checks them against the spelled-out names.
#include "mailsim/mta/mailbox_set.h"

#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "mta/mailbox_probes.h"
#include "support/catch.h"

using mailsim::mta::MailboxSet;

namespace {

struct Range {
  std::string prefix;
  std::uint64_t first;
  std::uint64_t last;
  std::string suffix;
};

}  // namespace

TEST_CASE("a mailbox range answers as its spelled-out names do") {
  const std::vector<Range> ranges = {{"u", 1, 120, ""},
                                     {"x", 0, 12, "y"},
                                     {"a1", 0, 15, ""},
                                     {"", 7, 9, ""},
                                     {"", 0, 0, "z"},
                                     {"k-", 3, 3, ".box"},
                                     {"n", 999'999'990, 1'000'000'000, ""}};
  MailboxSet set;
  std::set<std::string> names;
  for (const Range& r : ranges) {
    set.add_range(r.prefix, r.first, r.last, r.suffix);
    for (std::uint64_t n = r.first; n <= r.last; ++n)
      names.insert(r.prefix + std::to_string(n) + r.suffix);
  }
  set.add("bob");
  names.insert("bob");
  check_answers_as(set, names,
                   {"",
                    "u",
                    "u0",
                    "u01",
                    "u00",
                    "u-1",
                    "u+1",
                    "u 1",
                    "u1 ",
                    "u121",
                    "x0y",
                    "x00y",
                    "xy",
                    "y",
                    "z",
                    "0z",
                    "00z",
                    "n1000000001",
                    "n0999999990",
                    "n18446744073709551616",
                    "n18446744073709551615",
                    "u99999999999999999999999",
                    "U1",
                    "Bob",
                    "k-3.box",
                    "k-03.box",
                    "k-.box"});
}

TEST_CASE("mailbox names and ranges are kept in lower case") {
  MailboxSet set;
  set.add("Bob");
  set.add_range("User", 1, 3, "X");
  CHECK(set.contains("bob"));
  CHECK(set.contains("user2x"));
  CHECK_FALSE(set.contains("user4x"));
  CHECK_FALSE(MailboxSet().contains(""));
}
