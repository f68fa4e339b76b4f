// `mailsim bench tcp`: validates mailsim's network model against ns-3's packet-level TCP.
// For 60 cases (message sizes 1 KiB to 10 MiB, link bandwidths 1 Mbit/s to 1 Gbit/s,
// one-way latencies 1 to 100 ms) it times one message over one link, from the connect to
// the last byte's arrival, in both simulators and prints the relative error per case, the
// mean absolute error and the largest. The goal: a mean under 15 % and no case above 30 %.
//
// The ns-3 side is the peer program `mailsim-ns3-tcp` (bench/ns3/tcp_transfer.cc, built
// only when Debian's libns3-dev is found), looked up beside the running executable, then
// at the build-tree path MAILSIM_NS3_TCP_PROGRAM. Without it only mailsim's times print.
#pragma once

#include <cstdint>
#include <ostream>

#include "mailsim/core/time.h"
#include "mailsim/core/units.h"

namespace mailsim::bench {

// mailsim's time for one message of `bytes` over one link with default TcpOptions: the
// client connects at t = 0 and sends on connect; the time is when the server has the whole
// message. REQUIRES: bytes > 0, bandwidth > 0.
Duration mailsim_transfer_time(std::int64_t bytes, DataRate bandwidth, Duration latency);

// Runs every case and prints the table and the verdict to `out`. Returns 0 (figures only:
// a missed goal is reported, not an error).
int run_tcp_validation(std::ostream& out);

}  // namespace mailsim::bench
