// A population of mail addresses in a fixed order: literal addresses and patterns such as
// "user{1..500}@dept{1..40}.example.edu" (every combination, the rightmost range varying
// fastest: user1@dept1, user1@dept2, ...). A pattern of 20,000 addresses is stored as its
// pieces; an address is spelled out only when drawn. Copies share the parsed patterns.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mailsim::workload {

class AddressSet {
 public:
  // The largest population one set may hold.
  static constexpr std::uint64_t kMaxSize = std::uint64_t{1} << 40;

  AddressSet() = default;
  // Throws InputError (without a location) for a malformed pattern, a range whose end is
  // below its start, or a population above kMaxSize.
  static AddressSet parse(const std::vector<std::string>& items);
  // One item: throws as parse() does.
  static void check_item(std::string_view item);

  std::uint64_t size() const { return data_ ? data_->starts.back() : 0; }
  std::string at(std::uint64_t i) const;  // REQUIRES: i < size()
  // at(i) written over `out`, whose capacity a caller drawing many addresses reuses.
  void spell(std::uint64_t i, std::string& out) const;  // REQUIRES: i < size()
  // The distinct domains of the addresses (after the '@', in lower case), in the order
  // they first appear; at most `limit` of them. Spells out domains, not addresses:
  // "u{1..500}@d{1..40}.example" costs 40 strings.
  std::vector<std::string> domains(std::size_t limit) const;
  // A set parsed from one pattern of one range, as its pieces: "u{1..500}@x" is
  // {"u", 1, 500, "@x"}. None for any other set. The views live as long as the set.
  struct OneRange {
    std::string_view prefix;
    std::uint64_t first = 0;
    std::uint64_t last = 0;
    std::string_view suffix;
  };
  std::optional<OneRange> one_range() const&;
  std::optional<OneRange> one_range() && = delete;  // its views would outlive the set
  // Whether both are copies of one parsed set (then they hold the same addresses).
  bool same_set(const AddressSet& other) const { return data_ == other.data_; }

 private:
  struct Range {
    std::uint64_t first = 0;
    std::uint64_t count = 0;
    std::uint64_t place = 1;  // the product of the counts of the ranges after it
    std::uint32_t at = 0;     // where its digits go in the pattern's text
  };
  // A pattern's literals lie back to back in Data::text, its ranges in Data::ranges, so
  // that spelling an address reads two blocks rather than a string per literal.
  struct Pattern {
    std::uint32_t text_begin = 0;
    std::uint32_t text_end = 0;
    std::uint32_t ranges_begin = 0;
    std::uint32_t ranges_end = 0;
  };
  struct Data {
    std::vector<Pattern> patterns;
    std::vector<std::uint64_t> starts;  // starts[i]: the index after pattern i's last
    std::vector<Range> ranges;
    std::string text;
  };
  // Appends the item's pattern to `data`; returns how many addresses it names.
  static std::uint64_t parse_pattern(std::string_view item, Data& data);
  // Appends the item's literals and ranges to `data` (its text starts at `text_begin`);
  // returns how many addresses it names.
  static std::uint64_t read_pieces(std::string_view item, std::uint32_t text_begin, Data& data);

  // Shared, never changed: copies of a large population (one per sender group) are cheap.
  std::shared_ptr<const Data> data_;
};

}  // namespace mailsim::workload
