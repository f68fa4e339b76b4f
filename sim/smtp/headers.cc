#include "mailsim/smtp/headers.h"

#include <array>
#include <cstdio>

#include "smtp/text.h"

namespace mailsim::smtp {
namespace {

constexpr std::int64_t kSecondsPerDay = 86400;
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

struct HeaderField {
  std::string_view name;
  std::string value;  // unfolded, trimmed
};

// Calls `visit` for each field of the header block, in order.
template <class Visit>
void for_each_field(std::string_view data, Visit visit) {
  std::string_view header = split_message(data).header;
  std::optional<HeaderField> field;
  while (!header.empty()) {
    const std::size_t end = header.find('\n');
    std::string_view line = header.substr(0, end);
    header.remove_prefix(end == std::string_view::npos ? header.size() : end + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (!line.empty() && is_space(line.front())) {  // a folded continuation
      if (field) field->value += line;
      continue;
    }
    if (field) visit(*field);
    field.reset();
    const std::size_t colon = line.find(':');
    if (colon == std::string_view::npos) continue;  // not a field: skipped
    field = HeaderField{trim(line.substr(0, colon)), std::string(line.substr(colon + 1))};
  }
  if (field) visit(*field);
}

}  // namespace

std::string format_rfc5322_date(std::int64_t unix_seconds) {
  const std::int64_t days = floor_div(unix_seconds, kSecondsPerDay);
  const std::int64_t seconds = unix_seconds - days * kSecondsPerDay;
  const CivilDate date = civil_from_days(days);
  const std::int64_t weekday = ((days % 7) + 7 + 4) % 7;  // 1970-01-01 was a Thursday
  char text[64];
  std::snprintf(text, sizeof text, "%s, %02d %s %04lld %02lld:%02lld:%02lld +0000",
                kWeekdays[static_cast<std::size_t>(weekday)], date.day,
                kMonths[static_cast<std::size_t>(date.month - 1)],
                static_cast<long long>(date.year), static_cast<long long>(seconds / 3600),
                static_cast<long long>(seconds / 60 % 60), static_cast<long long>(seconds % 60));
  return text;
}

std::string format_received(const ReceivedFields& fields) {
  const bool ipv6 = fields.client_address.find(':') != std::string::npos;
  std::string out = "Received: from " + fields.helo_name + " (" + fields.helo_name + " [" +
                    (ipv6 ? "IPv6:" : "") + fields.client_address + "])\r\n";
  out += "\tby " + fields.by_host + " (" + fields.software + ") with " + fields.with_protocol;
  if (!fields.queue_id.empty()) out += " id " + fields.queue_id;
  const std::string date = format_rfc5322_date(fields.unix_seconds);
  if (fields.for_rcpt.empty()) return out + ";\r\n\t" + date + "\r\n";
  return out + "\r\n\tfor <" + fields.for_rcpt + ">; " + date + "\r\n";
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
  for_each_field(data, [&](const HeaderField& field) {
    if (equals_ignoring_case(field.name, name)) ++count;
  });
  return count;
}

std::optional<std::string> header_value(std::string_view data, std::string_view name) {
  std::vector<std::string> values = header_values(data, name);
  if (values.empty()) return std::nullopt;
  return std::move(values.front());
}

std::vector<std::string> header_values(std::string_view data, std::string_view name) {
  std::vector<std::string> values;
  for_each_field(data, [&](const HeaderField& field) {
    if (equals_ignoring_case(field.name, name)) values.emplace_back(trim(field.value));
  });
  return values;
}

}  // namespace mailsim::smtp
