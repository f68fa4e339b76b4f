"""mailsim-simpy-hold: the hold model of mailsim/bench/hold_model.h on SimPy 2 (Debian's
python3-simpy), the Python peer that `mailsim bench engine` measures mailsim against.

usage: hold.py DELAYS SIZE WARMUP EVENTS

DELAYS is a file of little-endian 64-bit nanosecond delays, the cycle of
mailsim::bench::HoldDelays that mailsim's own run and the ns-3 peer use, so all engines see
the same event times. SIZE processes each hold for the next delay of the cycle, again and
again, the idiomatic SimPy model of SIZE pending events. After WARMUP events, EVENTS are
timed on a monotonic clock. Prints one hold line, as format_hold_line() in hold_model.cc,
with the simulated time of the last event (sim_end_ns=) for the cross-check in the tests.
"""

import struct
import sys
import time

import SimPy
from SimPy.Simulation import Process, Simulation, hold


def main(argv):
    if len(argv) != 5:
        sys.stderr.write("usage: hold.py DELAYS SIZE WARMUP EVENTS\n")
        return 2
    with open(argv[1], "rb") as f:
        raw = f.read()
    delays = [float(d) for d in struct.unpack("<%dq" % (len(raw) // 8), raw)]
    size, warmup, events = int(argv[2]), int(argv[3]), int(argv[4])
    if size <= 0 or events <= 0 or not delays:
        sys.stderr.write("hold.py: SIZE, EVENTS and the delay cycle must not be empty\n")
        return 2

    sim = Simulation()
    sim.initialize()
    mask = len(delays) - 1  # the cycle's length is a power of two
    state = {"next": 0, "fired": 0, "started": None}
    stop_at = warmup + events

    class Holder(Process):
        def run(self):
            while True:
                i = state["next"]
                state["next"] = (i + 1) & mask
                yield hold, self, delays[i]
                fired = state["fired"] = state["fired"] + 1
                if fired == warmup:
                    state["started"] = time.perf_counter()
                elif fired == stop_at:
                    state["ended"] = time.perf_counter()
                    sim.stopSimulation()

    for _ in range(size):
        holder = Holder(sim=sim)
        sim.activate(holder, holder.run())
    if warmup == 0:
        state["started"] = time.perf_counter()
    sim.simulate(until=1e300)
    seconds = state["ended"] - state["started"]
    print("hold engine=simpy scheduler=SimPy-%s size=%d warmup=%d events=%d seconds=%.6f "
          "events_per_s=%.0f sim_end_ns=%d" % (SimPy.__version__, size, warmup, events, seconds,
                                               events / seconds, int(sim.now())))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
