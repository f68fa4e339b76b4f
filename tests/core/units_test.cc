#include "mailsim/core/units.h"

#include <string>

#include "mailsim/core/error.h"
#include "support/catch.h"

using mailsim::DataRate;
using mailsim::Duration;
using mailsim::InputError;
using mailsim::Time;

TEST_CASE("durations parse in every unit") {
  struct Row {
    const char* text;
    std::int64_t ns;
  };
  const Row rows[] = {
      {"0s", 0},
      {"250ns", 250},
      {"30us", 30'000},
      {"30ms", 30'000'000},
      {"1.5ms", 1'500'000},
      {"45s", 45'000'000'000},
      {"10m", 600'000'000'000},
      {"10min", 600'000'000'000},
      {"2h", 7'200'000'000'000},
      {"5d", 432'000'000'000'000},
      {"1w", 604'800'000'000'000},
      {"1h30m", 5'400'000'000'000},
      {" 2 h ", 7'200'000'000'000},
      {"0.25s", 250'000'000},
  };
  for (const Row& row : rows) {
    INFO(row.text);
    CHECK(mailsim::parse_duration(row.text).ns() == row.ns);
  }
}

TEST_CASE("data rates parse as bits per second with decimal prefixes") {
  CHECK(mailsim::parse_data_rate("10Mbps").bps() == 10'000'000);
  CHECK(mailsim::parse_data_rate("1.5Gbps").bps() == 1'500'000'000);
  CHECK(mailsim::parse_data_rate("56kbps").bps() == 56'000);
  CHECK(mailsim::parse_data_rate("100Mbit/s").bps() == 100'000'000);
  CHECK(mailsim::parse_data_rate("9600bps").bps() == 9600);
}

TEST_CASE("sizes parse with decimal and binary prefixes") {
  CHECK(mailsim::parse_size("25KiB") == 25 * 1024);
  CHECK(mailsim::parse_size("10MB") == 10'000'000);
  CHECK(mailsim::parse_size("1MiB") == 1'048'576);
  CHECK(mailsim::parse_size("1500B") == 1500);
  CHECK(mailsim::parse_size("2kB") == 2000);
}

TEST_CASE("a bad unit is a clear error naming the accepted units") {
  struct Row {
    const char* text;
    const char* problem;
  };
  const Row rows[] = {
      {"30", "has no unit"},         {"30 parsecs", "unknown unit 'parsecs'"},
      {"", "empty duration"},        {"-5s", "negative"},
      {"fast", "is not a duration"}, {"1..5s", "is not a duration"},
  };
  for (const Row& row : rows) {
    INFO(row.text);
    try {
      mailsim::parse_duration(row.text);
      FAIL("no error for " << row.text);
    } catch (const InputError& e) {
      CHECK(e.problem().find(row.problem) != std::string::npos);
      CHECK(e.hint().find("ms, s, m, min, h, d") != std::string::npos);
    }
  }
  CHECK_THROWS_AS(mailsim::parse_data_rate("10MBps"), InputError);
  CHECK_THROWS_AS(mailsim::parse_data_rate("0Mbps"), InputError);
  CHECK_THROWS_AS(mailsim::parse_size("10 furlongs"), InputError);
  CHECK_THROWS_AS(mailsim::parse_size("10KiB5B"), InputError);
}

TEST_CASE("an error placed in a file names file, line, column and key") {
  const InputError e =
      InputError("unknown unit 'x'", "write 30ms").at({"u.yaml", 12, 7, "links[0].latency"});
  CHECK(e.format() == "u.yaml:12:7: links[0].latency: unknown unit 'x'\n  hint: write 30ms");
}

TEST_CASE("durations, rates and sizes print in a form that parses back") {
  for (const char* text : {"0s", "2h30m", "45s", "1ms", "1.5s", "5d", "250ns", "3us", "2h0m31.87s",
                           "1d0h0m1s", "1d2h", "59.000000001s"}) {
    INFO(text);
    CHECK(mailsim::to_string(mailsim::parse_duration(text)) == text);
  }
  CHECK(mailsim::to_string(mailsim::parse_data_rate("10Mbps")) == "10Mbps");
  CHECK(mailsim::to_string(mailsim::parse_data_rate("1.5Gbps")) == "1.5Gbps");
  CHECK(mailsim::to_string(mailsim::parse_data_rate("9600bps")) == "9.6kbps");
  CHECK(mailsim::format_size(25 * 1024) == "25KiB");
  CHECK(mailsim::format_size(10'000'000) == "10MB");
  CHECK(mailsim::format_size(1500) == "1500B");
}

TEST_CASE("transmission time is bytes times eight over the rate, rounded up") {
  const DataRate ten_mbps = mailsim::parse_data_rate("10Mbps");
  CHECK(ten_mbps.transmission_time(1250) == Duration::milliseconds(1));  // 10,000 bits
  CHECK(ten_mbps.transmission_time(1).ns() == 800);
  CHECK(DataRate::bits_per_second(3).transmission_time(1).ns() == 2'666'666'667);
}

__extension__ using Wide = unsigned __int128;

TEST_CASE("transmission time rounds the same on both sides of 2^30 bytes, at any rate") {
  // 2^30 bytes and less take a 64-bit division, more a 128-bit one.
  const std::int64_t limit = std::int64_t{1} << 30;
  for (const std::int64_t bps : {std::int64_t{3}, std::int64_t{1'000'000'007}, INT64_MAX}) {
    const DataRate rate = DataRate::bits_per_second(bps);
    for (const std::int64_t bytes : {limit - 1, limit, limit + 1}) {
      const auto bits_ns = static_cast<Wide>(bytes) * 8'000'000'000u;
      const auto expected = static_cast<std::int64_t>((bits_ns + bps - 1) / bps);
      CHECK(rate.transmission_time(bytes).ns() == expected);
    }
  }
}

TEST_CASE("the simulated clock prints as hours, minutes, seconds and milliseconds") {
  CHECK(mailsim::format_clock(Time::zero()) == "00:00:00.000");
  CHECK(mailsim::format_clock(Time::zero() + Duration::hours(2) + Duration::milliseconds(31250)) ==
        "02:00:31.250");
  CHECK(mailsim::format_clock(Time::zero() + Duration::days(1) + Duration::hours(3)) ==
        "1+03:00:00.000");
  // Rounded to the nearest millisecond, as durations are printed.
  CHECK(mailsim::format_clock(Time::zero() + Duration::microseconds(1'999'600)) == "00:00:02.000");
  CHECK(mailsim::format_clock(Time::zero() + Duration::microseconds(1'999'400)) == "00:00:01.999");
}
