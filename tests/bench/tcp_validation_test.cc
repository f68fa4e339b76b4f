#include "mailsim/bench/tcp_validation.h"

#include "support/catch.h"

using mailsim::DataRate;
using mailsim::Duration;
using mailsim::bench::mailsim_transfer_time;

TEST_CASE("a one-segment message takes the handshake, its transmission and one latency") {
  // 20 ms handshake (one round trip) + (1024 + 40 header bytes) * 8 / 1e7 s = 851.2 us
  // + 10 ms latency.
  const Duration t = mailsim_transfer_time(1024, DataRate::bits_per_second(10'000'000),
                                           Duration::milliseconds(10));
  CHECK(t == Duration::milliseconds(30) + Duration::nanoseconds(851'200));
}

TEST_CASE("a message longer than the first window doubles its window every round trip") {
  // 100 KiB = 102,400 bytes in 71 segments: 105,240 bytes on the wire. 100 Mbit/s, 10 ms
  // (RTT 20 ms); connected at 20 ms. The window, 10 x 1,500 = 15,000 bytes per 20 ms, is
  // 6 Mbit/s, far below the link, so each round trip sends one window and doubles it:
  //   20-40 ms: 15,000 bytes (90,240 left); 40-60 ms: 30,000 (60,240 left);
  //   60-80 ms: 60,000 (240 left); at 80 ms the window, 120,000, holds the rest, which
  //   goes at once at 100 Mbit/s: 19.2 us.
  // The last byte leaves at 80.0192 ms and arrives 10 ms later: 90.0192 ms.
  const Duration t = mailsim_transfer_time(100 * 1024, DataRate::bits_per_second(100'000'000),
                                           Duration::milliseconds(10));
  CHECK(t.seconds() == Approx(0.090'019'2).epsilon(1e-7));
}

TEST_CASE("slow start ends when the window's rate exceeds the bandwidth") {
  // 1 MiB = 1,048,576 bytes in 719 segments: 1,077,336 bytes on the wire. 10 Mbit/s,
  // 10 ms (RTT 20 ms); connected at 20 ms.
  //   20-40 ms: 15,000 bytes at 6 Mbit/s;
  //   at 40 ms the window doubles to 30,000 bytes per 20 ms = 12 Mbit/s > 10 Mbit/s: the
  //   link limits, and the remaining 1,062,336 bytes take 849.8688 ms.
  // Arrival: 40 + 849.8688 + 10 = 899.8688 ms.
  const Duration t = mailsim_transfer_time(1 << 20, DataRate::bits_per_second(10'000'000),
                                           Duration::milliseconds(10));
  CHECK(t.seconds() == Approx(0.899'868'8).epsilon(1e-7));
}
