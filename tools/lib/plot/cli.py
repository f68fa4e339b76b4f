"""tools/plot's command line: the figure kinds, the arguments, and the exit status."""
import argparse
import os
import sys

from .hops import plot_hop_delay
from .latency import plot_latency_cdf
from .queues import plot_queue
from .results import BadInput, Results
from .style import save
from .timelines import plot_retry_timeline, plot_timeline

KINDS = {"latency-cdf": plot_latency_cdf, "queue": plot_queue, "hop-delay": plot_hop_delay,
         "timeline": plot_timeline, "retry-timeline": plot_retry_timeline}
MANY_DATABASES = {"latency-cdf", "retry-timeline"}


# ---------------------------------------------------------------- command line

def parse_args(argv):
    p = argparse.ArgumentParser(
        prog="tools/plot", formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Draw a figure from mailsim results databases (PNG or SVG).",
        epilog="kinds:\n"
               "  latency-cdf     fraction of recipients delivered within x; a curve per\n"
               "                  label, databases with the same label pooled\n"
               "  queue           incoming/active/deferred queue length per node (queue_sample)\n"
               "  hop-delay       time each message spent at each node (hop_delay view)\n"
               "  timeline        one message (--message N, default 1): queued time and\n"
               "                  attempts at each hop, over the outages\n"
               "  retry-timeline  every attempt over time, a row per database (policy)\n"
               "\nexamples:\n"
               "  tools/plot timeline university.db --message 1 -o timeline.svg\n"
               "  tools/plot retry-timeline postfix.db exim.db -o retries.png\n"
               "\nexit status: 0 written, 2 bad input, 1 internal error")
    p.add_argument("kind", choices=sorted(KINDS), metavar="KIND",
                   help="one of: " + ", ".join(KINDS))
    p.add_argument("databases", nargs="+", metavar="RESULTS.db")
    p.add_argument("-o", "--output", required=True, metavar="OUT.png|OUT.svg")
    p.add_argument("--label", action="append", default=[],
                   help="legend label of each database, in order (default: its scenario name)")
    p.add_argument("--message", type=int, metavar="N",
                   help="the message number (msg_id) for timeline")
    return p.parse_args(argv)


def check_args(args):
    fmt = os.path.splitext(args.output)[1].lower().lstrip(".")
    if fmt not in ("png", "svg"):
        raise BadInput(f"{args.output}: the output must end in .png or .svg")
    out_dir = os.path.dirname(os.path.abspath(args.output))
    if not os.path.isdir(out_dir):
        raise BadInput(f"{args.output}: no such folder {out_dir}")
    if args.kind not in MANY_DATABASES and len(args.databases) != 1:
        raise BadInput(f"{args.kind} draws one database, got {len(args.databases)}")
    if args.label and len(args.label) != len(args.databases):
        raise BadInput(f"{len(args.label)} --label for {len(args.databases)} databases: "
                       "give one per database or none")
    if args.message is not None and args.kind != "timeline":
        raise BadInput("--message is for timeline only")
    if args.message is not None and args.message < 1:
        raise BadInput(f"--message {args.message}: message numbers start at 1")
    return fmt


def main(argv):
    args = parse_args(argv)
    try:
        fmt = check_args(args)
        labels = args.label or [None] * len(args.databases)
        results = [Results(p, l) for p, l in zip(args.databases, labels)]
        fig = KINDS[args.kind](results, args)
        save(fig, args.output, fmt)
    except BadInput as e:
        print(f"plot: {e}", file=sys.stderr)
        return 2
    return 0
