// An MTA's mailboxes: as the loader reads them (names, and patterns kept as ranges), they
// answer as the set of every name the patterns spell out, in lower case.
#include <set>
#include <string>
#include <vector>

#include "mailsim/core/text.h"
#include "mailsim/workload/address_set.h"
#include "mta/mailbox_probes.h"
#include "scenario/scenario_file.h"
#include "support/catch.h"

using mailsim::ascii_lower;
using mailsim::mta::MailboxSet;
using mailsim::scenario::load_scenario;
using mailsim::workload::AddressSet;

namespace {

MailboxSet mailboxes_of(const std::vector<std::string>& items) {
  std::string list;
  for (const std::string& item : items) list += (list.empty() ? "\"" : ", \"") + item + "\"";
  const ScenarioFile f(
      "name: m\nhosts: [{name: a}]\nmtas: [{name: a, host: a, hostname: a.example, "
      "mailboxes: [" +
      list + "]}]\n");
  return load_scenario(f.path()).mtas.at(0).mta.mailboxes;
}

// What the mailboxes were before ranges were kept: every name spelled out.
std::set<std::string> spelled_out(const std::vector<std::string>& items) {
  std::set<std::string> out;
  for (const std::string& item : items) {
    const AddressSet set = AddressSet::parse({item + "@x"});
    for (std::uint64_t k = 0; k < set.size(); ++k) {
      const std::string a = set.at(k);
      out.insert(ascii_lower(a.substr(0, a.size() - 2)));
    }
  }
  return out;
}

}  // namespace

TEST_CASE("mailbox patterns answer as their spelled-out names do") {
  const std::vector<std::string> items = {"u{1..120}",
                                          "x{01..012}y",
                                          "Box{0..3}",
                                          "a1{0..15}",
                                          "{7..9}",
                                          "{0..0}z",
                                          "k-{3..3}.B",
                                          "m{1..3}-{1..4}",
                                          "a{1..12}{1..3}",
                                          "n{999999998..1000000000}",
                                          "bob",
                                          "Carol",
                                          "u5",
                                          "n{0000999999990..999999991}"};
  const MailboxSet set = mailboxes_of(items);
  const std::set<std::string> names = spelled_out(items);
  check_answers_as(set, names,
                   {"", "u", "u0", "u01", "u-1", "u121", "x01y", "xy", "box", "box4", "z", "00z",
                    "k-.b", "m-", "a", "n1000000001", "n18446744073709551616", "u{1..120}", "Bob"});
}

TEST_CASE("a mailbox pattern of more than 10,000,000 names is refused") {
  const auto e = scenario_error(
      "name: m\nhosts: [{name: a}]\nmtas: [{name: a, host: a, hostname: a.example, "
      "mailboxes: [bob, \"u{1..10000001}\"]}]\n");
  REQUIRE(e);
  CHECK(e->where().key == "mtas[0].mailboxes[1]");
  CHECK(e->problem() == "more than 10,000,000 mailboxes");
  CHECK_FALSE(
      scenario_error("name: m\nhosts: [{name: a}]\nmtas: [{name: a, host: a, hostname: a.example, "
                     "mailboxes: [\"u{1..10000000}\"]}]\n"));
}
