#include "mailsim/smtp/headers.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cstring>
#include <limits>

#include "smtp/text.h"

namespace mailsim::smtp {
namespace {

constexpr std::int64_t kSecondsPerDay = 86400;
// "Sat, 28 Nov 2026 22:01:01 +0000": the size of an RFC 5322 date of a four-digit year.
constexpr std::size_t kDateSize = 31;
constexpr std::array<const char*, 7> kWeekdays = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
constexpr std::array<const char*, 12> kMonths = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                 "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

std::int64_t floor_div(std::int64_t a, std::int64_t b) {
  return a / b - (a % b != 0 && (a < 0) != (b < 0) ? 1 : 0);
}

struct CivilDate {
  std::int64_t year;
  int month;  // 1-12
  int day;    // 1-31
};

// Days since 1970-01-01 to the proleptic Gregorian date, by eras of 400 years (146097
// days) counted from 0000-03-01 so that the leap day ends each year (H. Hinnant's
// civil_from_days).
CivilDate civil_from_days(std::int64_t days) {
  const std::int64_t z = days + 719468;  // days from 0000-03-01 to 1970-01-01
  const std::int64_t era = floor_div(z, 146097);
  const std::int64_t day_of_era = z - era * 146097;
  const std::int64_t year_of_era =
      (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) / 365;
  const std::int64_t day_of_year =
      day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
  const std::int64_t shifted_month = (5 * day_of_year + 2) / 153;  // March = 0
  const int day = static_cast<int>(day_of_year - (153 * shifted_month + 2) / 5 + 1);
  const int month = static_cast<int>(shifted_month < 10 ? shifted_month + 3 : shifted_month - 9);
  return {year_of_era + era * 400 + (month <= 2 ? 1 : 0), month, day};
}

// Writes `value` in decimal at `at`, zero-padded to `width` characters after any sign
// (printf's "%0*lld"); returns the end. `at` has room for 21 characters and `width`.
char* put_padded(char* at, std::int64_t value, int width) {
  char digits[24];
  const std::uint64_t magnitude =
      value < 0 ? 0 - static_cast<std::uint64_t>(value) : static_cast<std::uint64_t>(value);
  const char* end = std::to_chars(digits, digits + sizeof digits, magnitude).ptr;
  if (value < 0) *at++ = '-';
  const std::ptrdiff_t count = end - digits;
  for (int pad = width - (value < 0 ? 1 : 0) - static_cast<int>(count); pad > 0; --pad) {
    *at++ = '0';
  }
  std::memcpy(at, digits, static_cast<std::size_t>(count));
  return at + count;
}

// Writes 0 <= value < 100 as two digits at `at`.
void put_two_digits(char* at, int value) {
  at[0] = static_cast<char>('0' + value / 10);
  at[1] = static_cast<char>('0' + value % 10);
}

// The value of a field's raw text that is one line, as most fields are, trimmed: nothing
// to join. nullopt when the field has continuation lines.
std::optional<std::string_view> one_line_value(std::string_view raw) {
  const std::size_t first_end = raw.find('\n');
  if (first_end != std::string_view::npos && first_end + 1 != raw.size()) return std::nullopt;
  std::string_view line = raw.substr(0, first_end);
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  return trim(line);
}

// The raw text of a field unfolded (its line ends dropped; a continuation line keeps its
// leading white space) and trimmed.
std::string unfold(std::string_view raw) {
  if (const std::optional<std::string_view> line = one_line_value(raw)) return std::string(*line);
  std::string value;
  value.reserve(raw.size());
  while (!raw.empty()) {
    const std::size_t end = raw.find('\n');
    std::string_view line = raw.substr(0, end);
    raw.remove_prefix(end == std::string_view::npos ? raw.size() : end + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    value += line;
  }
  const std::string_view trimmed = trim(value);
  value.resize(static_cast<std::size_t>(trimmed.data() - value.data()) + trimmed.size());
  value.erase(0, static_cast<std::size_t>(trimmed.data() - value.data()));
  return value;
}

// Where the line that starts at `at` ends, after its '\n' if it has one.
std::size_t next_line(std::string_view text, std::size_t at) {
  const void* end = std::memchr(text.data() + at, '\n', text.size() - at);
  return end == nullptr ? text.size()
                        : static_cast<std::size_t>(static_cast<const char*>(end) - text.data()) + 1;
}

// The field `name` (no colon, no white space at its ends) starts `line` when the line
// begins with the name in any case and white space at most comes between it and a colon:
// the same as the text before the line's first colon, trimmed, being the name. Returns
// where the text after that colon starts, or npos.
std::size_t after_field_name(std::string_view line, std::string_view name) {
  if (line.size() <= name.size()) return std::string_view::npos;
  // Names nearly always come spelled as asked ("Received"): compared whole (memcmp) before
  // letter by letter.
  const std::string_view start = line.substr(0, name.size());
  if (start != name && !equals_ignoring_case(start, name)) return std::string_view::npos;
  std::size_t at = name.size();
  while (at < line.size() && is_space(line[at])) ++at;
  return at < line.size() && line[at] == ':' ? at + 1 : std::string_view::npos;
}

// Calls `visit(which, raw)` for each field named one of `names` in the header block, in
// order, until it returns false: `which` is the index of the first name that matches, `raw` the
// text after the colon up to the end of the field's last continuation line, line ends included. A
// line that starts with white space continues a field (or a line that is none) and never starts
// one; the header ends where split_message() ends it, at the first empty line. Each line is looked
// at once, with one memchr for its end, and a name compared only where a line starts: this runs for
// every message an MTA receives (its hop count and Message-ID).
template <std::size_t N, class Visit>
void for_each_field_named(std::string_view data, const std::array<std::string_view, N>& names,
                          Visit visit) {
  // Each name's first letter in capitals, which a line's must be for the name to be
  // compared (':' for an empty name: it names a line that starts with its colon).
  std::array<char, N> initials;
  for (std::size_t i = 0; i < N; ++i) {
    const std::string_view name = names[i];
    if (name.find(':') != std::string_view::npos || trim(name).size() != name.size()) {
      return;
    }
    initials[i] = name.empty() ? ':' : to_upper(name.front());
  }
  std::size_t at = 0;
  while (at < data.size()) {
    const std::size_t start = at;
    at = next_line(data, at);
    const char first = data[start];
    if (is_space(first)) continue;
    if (first == '\n' || (first == '\r' && at - start == 2 && data[start + 1] == '\n')) {
      return;  // the empty line after the header
    }
    const char initial = to_upper(first);
    std::size_t which = 0;
    std::size_t value = std::string_view::npos;
    for (; which < N; ++which) {
      if (initial != initials[which]) continue;
      value = after_field_name(data.substr(start, at - start), names[which]);
      if (value != std::string_view::npos) break;
    }
    if (value == std::string_view::npos) continue;
    while (at < data.size() && is_space(data[at])) at = next_line(data, at);
    if (!visit(which, data.substr(start + value, at - start - value))) return;
  }
}

// The date's day part, "Mon, 30 Nov 2026", for `days` since 1970-01-01 at `at`; returns the
// end. `at` has room for 40 characters.
char* put_day(char* at, std::int64_t days) {
  const CivilDate date = civil_from_days(days);
  const std::int64_t weekday = ((days % 7) + 7 + 4) % 7;  // 1970-01-01 was a Thursday
  std::memcpy(at, kWeekdays[static_cast<std::size_t>(weekday)], 3);
  std::memcpy(at + 3, ", ", 2);
  put_two_digits(at + 5, date.day);
  at[7] = ' ';
  std::memcpy(at + 8, kMonths[static_cast<std::size_t>(date.month - 1)], 3);
  at[11] = ' ';
  return put_padded(at + 12, date.year, 4);
}

// Copies `piece` to `at` and returns its end. A literal's size is known when compiled, so
// its copy is a few stores rather than a call of memcpy.
char* put(char* at, std::string_view piece) { return std::copy(piece.begin(), piece.end(), at); }

}  // namespace

void append_rfc5322_date(std::string& out, std::int64_t unix_seconds) {
  const std::int64_t days = floor_div(unix_seconds, kSecondsPerDay);
  const auto seconds = static_cast<int>(unix_seconds - days * kSecondsPerDay);
  // "%s, %02d %s %04lld %02d:%02d:%02d +0000" without printf's cost, written in place and
  // appended at once: each message's Date and every hop's Received field take one. The day
  // part is kept from the call before, as nearly every call falls on the same day.
  thread_local std::int64_t last_days = std::numeric_limits<std::int64_t>::min();
  thread_local std::array<char, 64> text;
  thread_local std::size_t day_size = 0;
  if (days != last_days) {
    last_days = days;
    day_size = static_cast<std::size_t>(put_day(text.data(), days) - text.data());
  }
  char* const at = text.data() + day_size;
  std::memcpy(at, " 00:00:00 +0000", 15);
  put_two_digits(at + 1, seconds / 3600);
  put_two_digits(at + 4, seconds / 60 % 60);
  put_two_digits(at + 7, seconds % 60);
  out.append(text.data(), static_cast<std::size_t>(at + 15 - text.data()));
}

std::string format_rfc5322_date(std::int64_t unix_seconds) {
  std::string text;
  append_rfc5322_date(text, unix_seconds);
  return text;
}

// The field's text up to the date is written in one go: its pieces measured, the string
// sized once, and each piece copied to its place (a hop makes one for every message).
std::string format_received(const ReceivedFields& fields, std::size_t room_after) {
  using namespace std::string_view_literals;
  const bool ipv6 = fields.client_address.find(':') != std::string::npos;
  const bool with_id = !fields.queue_id.empty();
  const bool with_for = !fields.for_rcpt.empty();  // else the date goes on a line of its own
  const std::size_t size =
      "Received: from "sv.size() + 2 * fields.helo_name.size() + " ("sv.size() + " ["sv.size() +
      (ipv6 ? "IPv6:"sv.size() : 0) + fields.client_address.size() + "])\r\n\tby "sv.size() +
      fields.by_host.size() + " ("sv.size() + fields.software.size() + ") with "sv.size() +
      fields.with_protocol.size() + (with_id ? " id "sv.size() + fields.queue_id.size() : 0) +
      (with_for ? "\r\n\tfor <"sv.size() + fields.for_rcpt.size() + ">; "sv.size()
                : ";\r\n\t"sv.size());
  std::string out;
  out.reserve(size + kDateSize + 2 + room_after);
  out.resize(size);
  char* at = put(out.data(), "Received: from "sv);
  at = put(put(at, fields.helo_name), " ("sv);
  at = put(put(at, fields.helo_name), " ["sv);
  if (ipv6) at = put(at, "IPv6:"sv);
  at = put(put(at, fields.client_address), "])\r\n\tby "sv);
  at = put(put(at, fields.by_host), " ("sv);
  at = put(put(at, fields.software), ") with "sv);
  at = put(at, fields.with_protocol);
  if (with_id) at = put(put(at, " id "sv), fields.queue_id);
  if (with_for) {
    put(put(put(at, "\r\n\tfor <"sv), fields.for_rcpt), ">; "sv);
  } else {
    put(at, ";\r\n\t"sv);
  }
  append_rfc5322_date(out, fields.unix_seconds);
  out += "\r\n";
  return out;
}

MessageParts split_message(std::string_view data) {
  std::size_t line_start = 0;
  while (line_start < data.size()) {
    std::size_t end = data.find('\n', line_start);
    if (end == std::string_view::npos) break;
    const std::size_t length = end - line_start;
    if (length == 0 || (length == 1 && data[line_start] == '\r')) {
      return {data.substr(0, line_start), data.substr(end + 1)};
    }
    line_start = end + 1;
  }
  return {data, {}};
}

std::size_t count_header(std::string_view data, std::string_view name) {
  std::size_t count = 0;
  for_each_field_named(data, std::array{name}, [&](std::size_t, std::string_view /*raw*/) {
    ++count;
    return true;
  });
  return count;
}

std::optional<std::string> header_value(std::string_view data, std::string_view name) {
  std::optional<std::string> value;
  for_each_field_named(data, std::array{name}, [&](std::size_t, std::string_view raw) {
    value = unfold(raw);
    return false;
  });
  return value;
}

std::vector<std::string> header_values(std::string_view data, std::string_view name) {
  std::vector<std::string> values;
  for_each_field_named(data, std::array{name}, [&](std::size_t, std::string_view raw) {
    values.push_back(unfold(raw));
    return true;
  });
  return values;
}

HeaderCountAndField count_header_and_field(std::string_view data, std::string_view counted,
                                           std::string_view wanted) {
  HeaderCountAndField result;
  for_each_field_named(data, std::array{counted, wanted},
                       [&](std::size_t which, std::string_view raw) {
                         if (which == 0) {
                           ++result.count;
                         } else if (!result.raw) {
                           result.raw = raw;
                         }
                         return true;
                       });
  return result;
}

std::string_view field_value(std::string_view raw, std::string& unfolded) {
  if (const std::optional<std::string_view> line = one_line_value(raw)) return *line;
  unfolded = unfold(raw);
  return unfolded;
}

}  // namespace mailsim::smtp
