"""hop-delay: where each message spent its time, a segment per node."""
from .style import format_duration, new_figure, pyplot, time_unit

MAX_MESSAGE_BARS = 50  # hop-delay draws one bar per message up to this many


def plot_hop_delay(results, _args):
    """Where each message spent its time: one bar per message, a segment per node
    from its arrival there until it reached the next node or was delivered."""
    plt = pyplot()
    (r,) = results
    r.require("hop", "the run recorded no hops (did any message get submitted?)")
    end = r.end_s()
    per_msg = {}
    for msg, node, created, arrived, left in r.rows(
            "SELECT msg_id, node, created_s, arrived_s, left_s FROM hop_delay "
            "JOIN message USING (msg_id) WHERE kind = 'user' ORDER BY msg_id, arrived_s"):
        per_msg.setdefault(msg, []).append((node, arrived - created,
                                            (left if left is not None else end) - arrived,
                                            left is None))
    nodes = list(dict.fromkeys(n for segs in per_msg.values() for n, *_ in segs))
    colours = {n: plt.cm.tab10(i % 10) for i, n in enumerate(nodes)}
    if len(per_msg) > MAX_MESSAGE_BARS:
        return hop_delay_summary(r, per_msg, nodes, colours)
    span = max(s + d for segs in per_msg.values() for _, s, d, _ in segs)
    scale, unit = time_unit(span)
    fig, (ax,) = new_figure(len(per_msg), 0.35)
    for y, (msg, segs) in enumerate(per_msg.items()):
        for node, start, delay, unfinished in segs:
            ax.barh(y, delay / scale, left=start / scale, height=0.6, color=colours[node],
                    hatch="//" if unfinished else None, edgecolor="black", linewidth=0.3)
            if delay > span / 8:
                ax.text((start + delay / 2) / scale, y, format_duration(delay), ha="center",
                        va="center", fontsize=8, color="white")
    ax.set_yticks(range(len(per_msg)), [f"msg {m}" for m in per_msg])
    ax.set_ylim(len(per_msg) - 0.5, -0.5)
    handles = [plt.Rectangle((0, 0), 1, 1, color=colours[n],
                             label=f"{n} (mean {format_duration(mean_delay(per_msg, n))})")
               for n in nodes]
    if any(u for segs in per_msg.values() for *_, u in segs):
        handles.append(plt.Rectangle((0, 0), 1, 1, facecolor="white", edgecolor="black",
                                     hatch="//", label="never left (until the end)"))
    ax.legend(handles=handles, fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1))
    ax.set_xlabel(f"time since the message was created ({unit})")
    ax.set_xlim(0, span / scale)
    ax.grid(axis="x", alpha=0.3)
    ax.set_title(f"Time at each hop ({r.label})")
    return fig


def mean_delay(per_msg, node):
    delays = [d for segs in per_msg.values() for n, _, d, _ in segs if n == node]
    return sum(delays) / len(delays)


def hop_delay_summary(r, per_msg, nodes, colours):
    """Too many messages for a bar each: the mean time at each node instead (a message
    that never left a node counts until the end of the run)."""
    counts = {n: sum(1 for segs in per_msg.values() for m, *_ in segs if m == n) for n in nodes}
    means = [mean_delay(per_msg, n) for n in nodes]
    scale, unit = time_unit(max(means))
    fig, (ax,) = new_figure(len(nodes), 0.45)
    ax.barh(range(len(nodes)), [m / scale for m in means],
            color=[colours[n] for n in nodes])
    for y, m in enumerate(means):
        ax.text(m / scale, y, " " + format_duration(m), va="center", fontsize=8)
    ax.set_yticks(range(len(nodes)), [f"{n} (n={counts[n]})" for n in nodes])
    ax.invert_yaxis()
    ax.set_xlabel(f"mean time at the node ({unit})")
    ax.grid(axis="x", alpha=0.3)
    ax.set_title(f"Mean time at each hop over {len(per_msg)} messages ({r.label})")
    return fig
