#include "mailsim/workload/address_set.h"

#include <algorithm>
#include <cassert>
#include <charconv>
#include <cstring>
#include <functional>
#include <set>
#include <utility>

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

// The inside of "{FIRST..LAST}": FIRST and LAST, both decimal, FIRST <= LAST.
std::pair<std::uint64_t, std::uint64_t> read_range(std::string_view inside, std::string_view item) {
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
  return {first, last};
}

// Every address has one '@' with something on both sides; ranges never hold '@'.
// `joined`: the item's literals with a 1 for each range and after the last.
void check_one_at(std::string_view joined, std::string_view item) {
  const std::size_t at = joined.find('@');
  if (at == std::string::npos || at == 0 || at + 2 >= joined.size() ||
      joined.find('@', at + 1) != std::string::npos) {
    throw InputError("'" + std::string(item) + "' is not a mail address or address pattern", kHint);
  }
}

// The digits of a range's number: read_number allows at most 1000000000.
constexpr std::uint32_t kMaxDigits = 10;

char* copy_text(char* to, const char* from, std::size_t n) {
  std::memcpy(to, from, n);
  return to + n;
}

}  // namespace

std::uint64_t AddressSet::parse_pattern(std::string_view item, Data& data) {
  Pattern p{.text_begin = static_cast<std::uint32_t>(data.text.size()),
            .ranges_begin = static_cast<std::uint32_t>(data.ranges.size())};
  const std::uint64_t size = read_pieces(item, p.text_begin, data);
  p.text_end = static_cast<std::uint32_t>(data.text.size());
  p.ranges_end = static_cast<std::uint32_t>(data.ranges.size());
  for (std::size_t r = p.ranges_end; r-- > p.ranges_begin + 1;) {
    data.ranges[r - 1].place = data.ranges[r].place * data.ranges[r].count;
  }
  data.patterns.push_back(p);
  return size;
}

std::uint64_t AddressSet::read_pieces(std::string_view item, std::uint32_t text_begin, Data& data) {
  std::uint64_t size = 1;
  std::string joined;  // the literals with a 1 for each range and after the last
  std::size_t i = 0;
  while (i < item.size()) {
    const char c = item[i];
    if (c == '}') throw InputError("'" + std::string(item) + "' has a '}' without '{'", kHint);
    if (c != '{') {
      data.text += c;
      joined += c;
      ++i;
      continue;
    }
    const std::size_t close = item.find('}', i);
    if (close == std::string_view::npos)
      throw InputError("'" + std::string(item) + "' has a '{' without '}'", kHint);
    const auto [first, last] = read_range(item.substr(i + 1, close - i - 1), item);
    data.ranges.push_back({.first = first,
                           .count = last - first + 1,
                           .at = static_cast<std::uint32_t>(data.text.size() - text_begin)});
    joined += '1';
    if (size > kMaxSize / (last - first + 1))
      throw InputError("'" + std::string(item) + "' names too many addresses",
                       "a population holds at most 2^40 addresses");
    size *= last - first + 1;
    i = close + 1;
  }
  joined += '1';
  check_one_at(joined, item);
  return size;
}

std::optional<AddressSet::OneRange> AddressSet::one_range() const& {
  if (!data_ || data_->patterns.size() != 1) return std::nullopt;
  const Pattern& p = data_->patterns[0];
  if (p.ranges_end - p.ranges_begin != 1) return std::nullopt;
  const Range& r = data_->ranges[p.ranges_begin];
  const std::string_view text(data_->text.data() + p.text_begin, p.text_end - p.text_begin);
  return OneRange{text.substr(0, r.at), r.first, r.first + r.count - 1, text.substr(r.at)};
}

void AddressSet::check_item(std::string_view item) {
  Data scratch;
  parse_pattern(item, scratch);
}

AddressSet AddressSet::parse(const std::vector<std::string>& items) {
  auto data = std::make_shared<Data>();
  std::uint64_t total = 0;
  for (const std::string& item : items) {
    total += parse_pattern(item, *data);
    if (total > kMaxSize)
      throw InputError("the addresses add up to more than 2^40", "use fewer or smaller patterns");
    if (data->text.size() > UINT32_MAX)
      throw InputError("the addresses' text adds up to more than 4 GiB", "use patterns");
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
  const auto which =
      static_cast<std::size_t>(std::upper_bound(starts.begin(), starts.end(), i) - starts.begin());
  const Pattern& p = data_->patterns[which];
  const std::uint64_t k = i - (which == 0 ? 0 : starts[which - 1]);
  const char* text = data_->text.data() + p.text_begin;
  const std::uint32_t text_size = p.text_end - p.text_begin;
  // Written in place, then cut to length: one resize, not an append per piece.
  out.resize(text_size + kMaxDigits * (p.ranges_end - p.ranges_begin));
  char* o = out.data();
  std::uint32_t copied = 0;  // of the text
  for (std::uint32_t r = p.ranges_begin; r < p.ranges_end; ++r) {
    // Mixed radix, the rightmost range the least significant digit.
    const Range& range = data_->ranges[r];
    o = copy_text(o, text + copied, range.at - copied);
    o = std::to_chars(o, o + kMaxDigits, range.first + k / range.place % range.count).ptr;
    copied = range.at;
  }
  o = copy_text(o, text + copied, text_size - copied);
  out.resize(static_cast<std::size_t>(o - out.data()));
}

std::vector<std::string> AddressSet::domains(std::size_t limit) const {
  std::vector<std::string> out;
  if (!data_) return out;
  std::set<std::string, std::less<>> seen;
  for (const Pattern& p : data_->patterns) {
    // The '@' is in the text (parse_pattern checked): the domain is the text after it, with
    // the digits of the ranges that come after it.
    const std::string_view text(data_->text.data() + p.text_begin, p.text_end - p.text_begin);
    const std::size_t at = text.find('@');
    std::uint32_t first = p.ranges_begin;
    while (first < p.ranges_end && data_->ranges[first].at <= at) ++first;
    std::uint64_t combinations = 1;
    for (std::uint32_t r = first; r < p.ranges_end; ++r) combinations *= data_->ranges[r].count;
    for (std::uint64_t k = 0; k < combinations && out.size() < limit; ++k) {
      // Mixed radix over the domain's ranges, the rightmost the least significant digit.
      std::vector<std::uint64_t> digits(p.ranges_end - first);
      std::uint64_t rest = k;
      for (std::uint32_t r = p.ranges_end; r-- > first;) {
        digits[r - first] = data_->ranges[r].first + rest % data_->ranges[r].count;
        rest /= data_->ranges[r].count;
      }
      std::string domain;
      std::size_t written = at + 1;
      for (std::uint32_t r = first; r < p.ranges_end; ++r) {
        domain += text.substr(written, data_->ranges[r].at - written);
        domain += std::to_string(digits[r - first]);
        written = data_->ranges[r].at;
      }
      domain += text.substr(written);
      domain = ascii_lower(domain);
      if (seen.insert(domain).second) out.push_back(std::move(domain));
    }
  }
  return out;
}

}  // namespace mailsim::workload
