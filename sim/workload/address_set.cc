#include "mailsim/workload/address_set.h"

#include <algorithm>
#include <cassert>
#include <charconv>
#include <set>

#include "mailsim/core/error.h"
#include "mailsim/core/text.h"

namespace mailsim::workload {

namespace {

constexpr const char* kHint =
    "write an address, or a pattern with numeric ranges such as "
    "user{1..500}@dept{1..40}.example.edu";

std::uint64_t read_number(std::string_view text, std::string_view item) {
  std::uint64_t v = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size() || v > 1'000'000'000) {
    throw InputError("'" + std::string(item) + "': '" + std::string(text) +
                         "' is not a number in a range (0 to 1000000000)",
                     kHint);
  }
  return v;
}

}  // namespace

AddressSet::Pattern AddressSet::parse_pattern(std::string_view item) {
  Pattern p;
  std::string literal;
  std::size_t i = 0;
  while (i < item.size()) {
    const char c = item[i];
    if (c == '}') throw InputError("'" + std::string(item) + "' has a '}' without '{'", kHint);
    if (c != '{') {
      literal += c;
      ++i;
      continue;
    }
    const std::size_t close = item.find('}', i);
    if (close == std::string_view::npos)
      throw InputError("'" + std::string(item) + "' has a '{' without '}'", kHint);
    const std::string_view inside = item.substr(i + 1, close - i - 1);
    const std::size_t dots = inside.find("..");
    if (dots == std::string_view::npos)
      throw InputError("'" + std::string(item) + "': {" + std::string(inside) + "} is not a range",
                       "write a range as {FIRST..LAST}, for example {1..40}");
    const std::uint64_t first = read_number(inside.substr(0, dots), item);
    const std::uint64_t last = read_number(inside.substr(dots + 2), item);
    if (last < first)
      throw InputError("'" + std::string(item) + "': the range {" + std::string(inside) +
                           "} ends before it starts",
                       "write {FIRST..LAST} with FIRST <= LAST");
    p.literals.push_back(std::move(literal));
    literal.clear();
    p.ranges.push_back({first, last - first + 1});
    if (p.size > kMaxSize / (last - first + 1))
      throw InputError("'" + std::string(item) + "' names too many addresses",
                       "a population holds at most 2^40 addresses");
    p.size *= last - first + 1;
    i = close + 1;
  }
  p.literals.push_back(std::move(literal));
  for (std::size_t r = p.ranges.size(); r-- > 1;) {
    p.ranges[r - 1].place = p.ranges[r].place * p.ranges[r].count;
  }
  // Every address has one '@' with something on both sides; ranges never hold '@'.
  std::string joined;
  for (const std::string& l : p.literals) joined += l + "1";
  const std::size_t at = joined.find('@');
  if (at == std::string::npos || at == 0 || at + 2 >= joined.size() ||
      joined.find('@', at + 1) != std::string::npos) {
    throw InputError("'" + std::string(item) + "' is not a mail address or address pattern", kHint);
  }
  return p;
}

void AddressSet::check_item(std::string_view item) { parse_pattern(item); }

AddressSet AddressSet::parse(const std::vector<std::string>& items) {
  auto data = std::make_shared<Data>();
  std::uint64_t total = 0;
  for (const std::string& item : items) {
    data->patterns.push_back(parse_pattern(item));
    total += data->patterns.back().size;
    if (total > kMaxSize)
      throw InputError("the addresses add up to more than 2^40", "use fewer or smaller patterns");
    data->starts.push_back(total);
  }
  AddressSet set;
  if (!items.empty()) set.data_ = std::move(data);
  return set;
}

std::string AddressSet::at(std::uint64_t i) const {
  std::string out;
  spell(i, out);
  return out;
}

void AddressSet::spell(std::uint64_t i, std::string& out) const {
  assert(i < size());
  const std::vector<std::uint64_t>& starts = data_->starts;
  const auto which = std::upper_bound(starts.begin(), starts.end(), i) - starts.begin();
  const Pattern& p = data_->patterns[static_cast<std::size_t>(which)];
  const std::uint64_t k = i - (which == 0 ? 0 : starts[static_cast<std::size_t>(which) - 1]);
  // Mixed radix, the rightmost range the least significant digit.
  out.assign(p.literals[0]);
  for (std::size_t r = 0; r < p.ranges.size(); ++r) {
    const Range& range = p.ranges[r];
    char digits[24];
    const auto end =
        std::to_chars(digits, digits + sizeof digits, range.first + k / range.place % range.count)
            .ptr;
    out.append(digits, end);
    out += p.literals[r + 1];
  }
}

std::vector<std::string> AddressSet::domains(std::size_t limit) const {
  std::vector<std::string> out;
  if (!data_) return out;
  std::set<std::string, std::less<>> seen;
  for (const Pattern& p : data_->patterns) {
    // The '@' is in one literal (parse_pattern checked): the domain is the rest of that
    // literal, then the ranges and literals after it.
    std::size_t first = 0;
    while (p.literals[first].find('@') == std::string::npos) ++first;
    const std::string head = p.literals[first].substr(p.literals[first].find('@') + 1);
    std::uint64_t combinations = 1;
    for (std::size_t r = first; r < p.ranges.size(); ++r) combinations *= p.ranges[r].count;
    for (std::uint64_t k = 0; k < combinations && out.size() < limit; ++k) {
      // Mixed radix over the domain's ranges, the rightmost the least significant digit.
      std::vector<std::uint64_t> digits(p.ranges.size() - first);
      std::uint64_t rest = k;
      for (std::size_t r = p.ranges.size(); r-- > first;) {
        digits[r - first] = p.ranges[r].first + rest % p.ranges[r].count;
        rest /= p.ranges[r].count;
      }
      std::string domain = head;
      for (std::size_t r = first; r < p.ranges.size(); ++r) {
        domain += std::to_string(digits[r - first]);
        domain += p.literals[r + 1];
      }
      domain = ascii_lower(domain);
      if (seen.insert(domain).second) out.push_back(std::move(domain));
    }
  }
  return out;
}

}  // namespace mailsim::workload
