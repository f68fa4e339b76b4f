// Message header helpers (RFC 5322): the Date format, the Received trace field that each
// hop prepends (RFC 5321 4.4), and reading header fields back, folded or not. Pure
// functions over strings; no locale, no time zone database.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mailsim::smtp {

// "Sat, 28 Nov 2026 22:01:01 +0000" for seconds since the Unix epoch, in UTC.
std::string format_rfc5322_date(std::int64_t unix_seconds);
// The same appended to `out`, without a string of its own.
void append_rfc5322_date(std::string& out, std::int64_t unix_seconds);

// The texts are views of strings the caller keeps until format_received() has returned
// (each hop's field is made from its session and queue entry, without copies of them).
struct ReceivedFields {
  std::string_view helo_name;
  std::string client_address;  // an IPv6 address is written as [IPv6:...]
  std::string_view by_host;
  std::string_view software = "mailsim";
  std::string_view with_protocol = "ESMTP";  // "SMTP", "ESMTP", "ESMTPA"
  std::string_view queue_id;
  std::string_view for_rcpt;  // only when the message has this one recipient
  std::int64_t unix_seconds = 0;
};

// The whole field with its CRLF, folded like Postfix (continuation lines start with a tab):
//   Received: from HELO (HELO [IP])
//   \tby HOST (mailsim) with ESMTP id QUEUEID
//   \tfor <RCPT>; DATE
// Without a recipient the date follows the "by" line's ";" on a line of its own.
// `room_after`: octets more to reserve, for what the caller appends to the field (the
// header it goes in front of), so that appending does not copy the field again.
std::string format_received(const ReceivedFields& fields, std::size_t room_after = 0);

struct MessageParts {
  std::string_view header;  // the header fields, each with its CRLF
  std::string_view body;    // after the empty line; empty when there is none
};

// Splits at the first empty line; data without one is all header.
MessageParts split_message(std::string_view data);

// Header field names compare case-insensitively; values are unfolded and trimmed.
std::size_t count_header(std::string_view data, std::string_view name);
std::optional<std::string> header_value(std::string_view data, std::string_view name);
std::vector<std::string> header_values(std::string_view data, std::string_view name);

// count_header(data, counted) and the first field named `wanted` in one pass over the
// header, for a reader that needs both (a hop's hop count and Message-ID); `counted` and
// `wanted` are different names. `raw` is that field's text after the colon, line ends
// included (a view of `data`); field_value() reads its value.
struct HeaderCountAndField {
  std::size_t count = 0;
  std::optional<std::string_view> raw;
};
HeaderCountAndField count_header_and_field(std::string_view data, std::string_view counted,
                                           std::string_view wanted);

// The value of a field's raw text, unfolded and trimmed as header_value() gives it: a view
// of `raw` when the field is on one line, as most are, else of `unfolded`, which is
// overwritten with the unfolded text.
std::string_view field_value(std::string_view raw, std::string& unfolded);

}  // namespace mailsim::smtp
