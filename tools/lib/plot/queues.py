"""queue: each node's incoming, active and deferred queues over time."""
from .results import ATTEMPTS_HINT
from .style import new_figure, time_unit


def plot_queue(results, _args):
    """Messages in each node's incoming, active and deferred queues over time, a panel per
    MTA in the scenario's order, all on one scale so that panels compare; the run's
    outages shaded on every panel (an outage shows where mail waits for it)."""
    (r,) = results
    r.require("queue_sample", ATTEMPTS_HINT)
    samples = {}
    for node, t, incoming, active, deferred in r.rows(
            "SELECT q.node, q.t_s, q.incoming, q.active, q.deferred FROM queue_sample q "
            "LEFT JOIN node n ON n.name = q.node ORDER BY n.node_id, q.node, q.t_s"):
        samples.setdefault(node, []).append((t, incoming, active, deferred))
    # A row says a node's queues changed to its counts at t_s; they hold until the node's
    # next row. Up to a little after the last time any queue held a message (the run
    # usually goes on idle for much longer), each queue's last row held until there.
    busy = [rows[i + 1][0] if i + 1 < len(rows) else r.end_s()
            for rows in samples.values() for i, row in enumerate(rows) if any(row[1:])]
    until = min(r.end_s(), max(busy, default=r.end_s()) * 1.05) or r.end_s()
    scale, unit = time_unit(until)
    top = 1.1 * max(1, max(max(row[1:]) for rows in samples.values() for row in rows))
    outages = r.rows("SELECT target, kind, start_s, end_s FROM outage ORDER BY start_s")
    fig, axes = new_figure(len(samples), 1.6, panels=len(samples))
    for ax, (node, rows) in zip(axes, samples.items()):
        for target, kind, start, end in outages:
            ax.axvspan(start / scale, min(end, until) / scale, color="mistyrose", zorder=0,
                       label=f"{kind} {target}")
        rows = rows + [(max(until, rows[-1][0]),) + rows[-1][1:]]
        ts = [row[0] / scale for row in rows]
        for col, name in ((1, "incoming"), (2, "active"), (3, "deferred")):
            ax.step(ts, [row[col] for row in rows], where="post", label=name)
        ax.set_ylabel(node, rotation=0, ha="right", va="center")
        ax.set_ylim(0, top)
        ax.yaxis.get_major_locator().set_params(integer=True)
        ax.grid(alpha=0.3)
    axes[0].legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1))
    axes[0].set_title(f"Queue length per node ({r.label})")
    axes[-1].set_xlabel(f"simulated time ({unit})")
    axes[-1].set_xlim(0, until / scale)
    return fig
