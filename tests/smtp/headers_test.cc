#include "mailsim/smtp/headers.h"

#include <string>
#include <vector>

#include "support/catch.h"

namespace mailsim::smtp {
namespace {

TEST_CASE("dates are formatted in UTC with the weekday, worked out by hand") {
  struct Row {
    std::int64_t unix_seconds;
    const char* date;
  };
  // 951782400 = 11016 days = 30 years (7 leap days) + 31 + 28: 2000-02-29, (11016+4)%7 = 2.
  // 1795903261 = 20785 days + 22:01:01: 2026-11-28, (20785+4)%7 = 6.
  // 4107542400 = 47541 days: 2100 is not a leap year, so the day after 28 Feb is 1 Mar.
  const Row rows[] = {
      {0, "Thu, 01 Jan 1970 00:00:00 +0000"},
      {-1, "Wed, 31 Dec 1969 23:59:59 +0000"},
      {951782400, "Tue, 29 Feb 2000 00:00:00 +0000"},
      {1000000000, "Sun, 09 Sep 2001 01:46:40 +0000"},
      {1234567890, "Fri, 13 Feb 2009 23:31:30 +0000"},
      {1795903261, "Sat, 28 Nov 2026 22:01:01 +0000"},
      {2147483647, "Tue, 19 Jan 2038 03:14:07 +0000"},
      {4107542399, "Sun, 28 Feb 2100 23:59:59 +0000"},
      {4107542400, "Mon, 01 Mar 2100 00:00:00 +0000"},
  };
  for (const Row& row : rows) {
    INFO(row.unix_seconds);
    CHECK(format_rfc5322_date(row.unix_seconds) == row.date);
  }
}

TEST_CASE("dates one after the other on one day and across midnight are each right") {
  // The day part is kept from one call to the next: a time of the same day, of the next
  // and of the day before must each get their own.
  CHECK(format_rfc5322_date(1795903261) == "Sat, 28 Nov 2026 22:01:01 +0000");
  CHECK(format_rfc5322_date(1795910399) == "Sat, 28 Nov 2026 23:59:59 +0000");
  CHECK(format_rfc5322_date(1795910400) == "Sun, 29 Nov 2026 00:00:00 +0000");
  CHECK(format_rfc5322_date(1795910399) == "Sat, 28 Nov 2026 23:59:59 +0000");
  CHECK(format_rfc5322_date(253402300800) == "Sat, 01 Jan 10000 00:00:00 +0000");
  CHECK(format_rfc5322_date(253402300801) == "Sat, 01 Jan 10000 00:00:01 +0000");
  CHECK(format_rfc5322_date(0) == "Thu, 01 Jan 1970 00:00:00 +0000");
}

TEST_CASE("a year outside four digits is written as printf's %04lld writes it") {
  // 253402300800 = 2932897 days: 10000-01-01. 9999-12-31 was a Friday, so a Saturday.
  CHECK(format_rfc5322_date(253402300800) == "Sat, 01 Jan 10000 00:00:00 +0000");
  // -62167219200 = -719528 days: 0000-01-01 (year 0 is a leap year). 0001-01-01 was a
  // Monday and year 0 has 366 days (52 weeks and 2 days): a Saturday.
  CHECK(format_rfc5322_date(-62167219200) == "Sat, 01 Jan 0000 00:00:00 +0000");
  // 365 days earlier (year -1 is no leap year, 52 weeks and 1 day): a Friday; the sign
  // takes one of the four places.
  CHECK(format_rfc5322_date(-62167219200 - 365 * 86400 + 3723) ==
        "Fri, 01 Jan -001 01:02:03 +0000");
}

ReceivedFields example_fields() {
  ReceivedFields fields;
  fields.helo_name = "relay.src.example";
  fields.client_address = "10.0.0.7";
  fields.by_host = "mx.dest.example";
  fields.queue_id = "4F3A2B";
  fields.unix_seconds = 1795903261;
  return fields;
}

TEST_CASE("a Received field for one recipient is folded over three lines like Postfix") {
  ReceivedFields fields = example_fields();
  fields.for_rcpt = "bob@dest.example";
  CHECK(format_received(fields) ==
        "Received: from relay.src.example (relay.src.example [10.0.0.7])\r\n"
        "\tby mx.dest.example (mailsim) with ESMTP id 4F3A2B\r\n"
        "\tfor <bob@dest.example>; Sat, 28 Nov 2026 22:01:01 +0000\r\n");
}

TEST_CASE("a Received field without a recipient puts the date on its own line") {
  ReceivedFields fields = example_fields();
  fields.with_protocol = "ESMTPA";
  fields.client_address = "2001:db8::7";
  CHECK(format_received(fields) ==
        "Received: from relay.src.example (relay.src.example [IPv6:2001:db8::7])\r\n"
        "\tby mx.dest.example (mailsim) with ESMTPA id 4F3A2B;\r\n"
        "\tSat, 28 Nov 2026 22:01:01 +0000\r\n");
}

const std::string kMessage =
    "Received: from a (a [10.0.0.1])\r\n"
    "\tby b (mailsim) with ESMTP id 1;\r\n"
    "\tThu, 01 Jan 1970 00:00:00 +0000\r\n"
    "received: from c (c [10.0.0.2]) by d (mailsim) with SMTP id 2; Thu, 01 Jan 1970 "
    "00:00:01 +0000\r\n"
    "Subject: a subject\r\n"
    " folded over two lines  \r\n"
    "X-Empty:\r\n"
    "\r\n"
    "Received: this is body text, not a header\r\n";

TEST_CASE("header fields are counted by name in any case, folded or not, body excluded") {
  CHECK(count_header(kMessage, "Received") == 2);
  CHECK(count_header(kMessage, "RECEIVED") == 2);
  CHECK(count_header(kMessage, "Subject") == 1);
  CHECK(count_header(kMessage, "Date") == 0);
  CHECK(count_header(format_received(example_fields()) + "\r\nbody\r\n", "Received") == 1);
}

TEST_CASE("header values come back unfolded and trimmed, first one first") {
  CHECK(header_value(kMessage, "subject") == "a subject folded over two lines");
  CHECK(header_value(kMessage, "X-Empty") == "");
  CHECK_FALSE(header_value(kMessage, "Date"));
  const std::vector<std::string> received = header_values(kMessage, "Received");
  REQUIRE(received.size() == 2);
  CHECK(received[0] ==
        "from a (a [10.0.0.1])\tby b (mailsim) with ESMTP id 1;\tThu, 01 Jan 1970 "
        "00:00:00 +0000");
  CHECK(received[1].starts_with("from c (c [10.0.0.2])"));
}

TEST_CASE("lines that are no field are skipped with their continuation lines") {
  // A continuation before any field, a line without a colon and its continuation belong to
  // no field; bare LF line ends count as CRLF ones; the header ends at the first empty line.
  const std::string data =
      " lead: not a field\r\n"
      "A: 1\r\n"
      "no colon here\r\n"
      " B: continues the line without a colon\r\n"
      "A:\t2\n"
      "\tand more\n"
      "\n"
      "A: body\r\n";
  CHECK(count_header(data, "A") == 2);
  CHECK(count_header(data, "B") == 0);
  CHECK(count_header(data, "lead") == 0);
  CHECK(header_values(data, "a") == std::vector<std::string>{"1", "2\tand more"});
  // Without an empty line all is header, a last line without its line end too.
  CHECK(header_values("A: 1\r\nA:  two \r", "A") == std::vector<std::string>{"1", "two"});
  CHECK(header_value("\r\nA: 1\r\n", "A") == std::nullopt);  // all body
}

TEST_CASE("a message splits at the first empty line") {
  const MessageParts parts = split_message("A: 1\r\nB: 2\r\n\r\nbody\r\n\r\nmore\r\n");
  CHECK(parts.header == "A: 1\r\nB: 2\r\n");
  CHECK(parts.body == "body\r\n\r\nmore\r\n");
  CHECK(split_message("A: 1\nB: 2\n").body.empty());
  CHECK(split_message("A: 1\nB: 2\n").header == "A: 1\nB: 2\n");
  CHECK(split_message("\r\nbody").header.empty());
}

}  // namespace
}  // namespace mailsim::smtp
