#include "mailsim/bench/tcp_validation.h"

#include "support/catch.h"

using mailsim::DataRate;
using mailsim::Duration;
using mailsim::bench::mailsim_transfer_time;

TEST_CASE("a one-segment message takes the handshake, its transmission and one latency") {
  // 20 ms handshake (one round trip) + 1024 * 8 / 1e7 s = 819.2 us, rounded up to the
  // nanosecond + 10 ms latency.
  const Duration t = mailsim_transfer_time(1024, DataRate::bits_per_second(10'000'000),
                                           Duration::milliseconds(10));
  CHECK(t == Duration::milliseconds(30) + Duration::nanoseconds(819'200));
}

TEST_CASE("a message longer than the first window doubles its window every round trip") {
  // 100 KiB = 102,400 bytes at 100 Mbit/s over 10 ms (RTT 20 ms). Handshake: 20 ms.
  // The window allows window * 8 / RTT: 10 x 1460 = 14,600 bytes per 20 ms = 5.84 Mbit/s,
  // far below 100 Mbit/s, so each round trip sends one window and the window doubles:
  //   round 1: 14,600 bytes (total  14,600)
  //   round 2: 29,200 bytes (total  43,800)
  //   round 3: 58,400 bytes (total 102,200): 200 bytes are left
  //   round 4: window 116,800 bytes per 20 ms = 46.72 Mbit/s, still below 100 Mbit/s;
  //            200 bytes take 200 / 116,800 x 20 ms = 34.2466 us.
  // Last byte leaves at 20 + 60 ms + 34.2466 us; it arrives 10 ms later: 90.0342466 ms.
  const Duration t = mailsim_transfer_time(100 * 1024, DataRate::bits_per_second(100'000'000),
                                           Duration::milliseconds(10));
  CHECK(t.seconds() == Approx(0.090'034'246'6).epsilon(1e-7));
}

TEST_CASE("slow start ends when the window's rate exceeds the bandwidth") {
  // 1 MiB = 1,048,576 bytes at 10 Mbit/s over 10 ms (RTT 20 ms). Handshake: 20 ms.
  //   round 1: 14,600 bytes at 5.84 Mbit/s (total 14,600)
  //   round 2: window 29,200 bytes per 20 ms = 11.68 Mbit/s > 10 Mbit/s: the link limits,
  //            slow start is over, the rest goes at 10 Mbit/s:
  //            1,033,976 bytes x 8 / 1e7 = 827.1808 ms.
  // Arrival: 20 + 20 + 827.1808 + 10 = 877.1808 ms.
  const Duration t = mailsim_transfer_time(1 << 20, DataRate::bits_per_second(10'000'000),
                                           Duration::milliseconds(10));
  CHECK(t.seconds() == Approx(0.877'180'8).epsilon(1e-7));
}
