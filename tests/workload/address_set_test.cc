#include "mailsim/workload/address_set.h"

#include <string>
#include <vector>

#include "mailsim/core/error.h"
#include "support/catch.h"

using mailsim::InputError;
using mailsim::workload::AddressSet;

TEST_CASE("a pattern names every combination, the rightmost range fastest") {
  const AddressSet s = AddressSet::parse({"user{1..500}@dept{1..40}.example.edu"});
  CHECK(s.size() == 500 * 40);
  CHECK(s.at(0) == "user1@dept1.example.edu");
  CHECK(s.at(1) == "user1@dept2.example.edu");
  CHECK(s.at(40) == "user2@dept1.example.edu");
  // Index 40 * 499 + 39: user 500, department 40.
  CHECK(s.at(19'999) == "user500@dept40.example.edu");
}

TEST_CASE("literal addresses and patterns join in order") {
  const AddressSet s = AddressSet::parse({"dean@example.edu", "s{7..9}@example.edu", "x@y.z"});
  REQUIRE(s.size() == 5);
  CHECK(s.at(0) == "dean@example.edu");
  CHECK(s.at(1) == "s7@example.edu");
  CHECK(s.at(3) == "s9@example.edu");
  CHECK(s.at(4) == "x@y.z");
}

TEST_CASE("spell writes an address over a string, three ranges and a literal after the last") {
  // "r{3..4}.{0..2}@h{8..9}x": 2 * 3 * 2 = 12 addresses; the places of the ranges are
  // 6, 2 and 1. Index 11 = 1 * 6 + 2 * 2 + 1: r4.2@h9x; index 7 = 1 * 6 + 0 * 2 + 1:
  // r4.0@h9x. A longer address written first leaves nothing behind.
  const AddressSet s =
      AddressSet::parse({"a-much-longer-literal@example.org", "r{3..4}.{0..2}@h{8..9}x"});
  std::string out;
  s.spell(0, out);
  CHECK(out == "a-much-longer-literal@example.org");
  s.spell(1 + 11, out);
  CHECK(out == "r4.2@h9x");
  s.spell(1 + 7, out);
  CHECK(out == "r4.0@h9x");
  CHECK(s.at(1 + 0) == "r3.0@h8x");
}

TEST_CASE("malformed patterns are refused with what is wrong") {
  const auto problem = [](const std::string& item) {
    try {
      AddressSet::parse({item});
    } catch (const InputError& e) {
      return e.problem();
    }
    return std::string("accepted");
  };
  CHECK(problem("user{1..5@x.example") == "'user{1..5@x.example' has a '{' without '}'");
  CHECK(problem("user{5..1}@x.example") ==
        "'user{5..1}@x.example': the range {5..1} ends before it starts");
  CHECK(problem("user{a..b}@x.example") ==
        "'user{a..b}@x.example': 'a' is not a number in a range (0 to 1000000000)");
  CHECK(problem("user{1,2}@x.example") == "'user{1,2}@x.example': {1,2} is not a range");
  CHECK(problem("nobody") == "'nobody' is not a mail address or address pattern");
  CHECK(problem("a@b@c") == "'a@b@c' is not a mail address or address pattern");
  CHECK(problem("u{1..1000000}@d{1..1000000}.x{1..10}") ==
        "'u{1..1000000}@d{1..1000000}.x{1..10}' names too many addresses");
}

TEST_CASE("the domains of a set are spelled out once each, without the addresses") {
  // 20,000 addresses over 40 departments; a literal in upper case; a range inside a domain
  // name with a literal after it: c1.uni2, c2.uni2; bob@Example.ORG repeats example.org.
  const AddressSet s = AddressSet::parse({"user{1..500}@dept{1..40}.example.edu", "a@Example.ORG",
                                          "u{1..3}@c{1..2}.uni2.example.edu", "bob@example.org"});
  const auto all = s.domains(1000);
  REQUIRE(all.size() == 40 + 1 + 2);
  CHECK(all[0] == "dept1.example.edu");
  CHECK(all[39] == "dept40.example.edu");
  CHECK(all[40] == "example.org");
  CHECK(all[41] == "c1.uni2.example.edu");
  CHECK(all[42] == "c2.uni2.example.edu");
  CHECK(s.domains(3) ==
        std::vector<std::string>{"dept1.example.edu", "dept2.example.edu", "dept3.example.edu"});
  CHECK(AddressSet().domains(10).empty());
}

TEST_CASE("a set of one pattern with one range gives its pieces, any other set none") {
  const AddressSet set = AddressSet::parse({"Box-{07..120}.a@x"});
  const auto range = set.one_range();
  REQUIRE(range);
  CHECK(range->prefix == "Box-");
  CHECK(range->first == 7);
  CHECK(range->last == 120);
  CHECK(range->suffix == ".a@x");
  const AddressSet zero = AddressSet::parse({"{0..0}@x"});
  REQUIRE(zero.one_range());
  CHECK(zero.one_range()->suffix == "@x");
  const auto has_one_range = [](const std::vector<std::string>& items) {
    const AddressSet other = AddressSet::parse(items);
    return other.one_range().has_value();
  };
  CHECK_FALSE(has_one_range({"a@x"}));
  CHECK_FALSE(has_one_range({"a{1..2}@x{1..2}"}));
  CHECK_FALSE(has_one_range({"a{1..2}@x", "b@x"}));
  const AddressSet empty;
  CHECK_FALSE(empty.one_range());
}
