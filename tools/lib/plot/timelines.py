"""timeline (one message's hops and attempts) and retry-timeline (every attempt of a run,
a row per database)."""
from .results import ATTEMPTS_HINT, BadInput
from .style import OUTCOME_COLOURS, new_figure, outcome_legend, pyplot, time_unit


def plot_timeline(results, args):
    """One message's life: a row per node it reached, the time it sat queued there
    (light bar) and each delivery attempt from that node (coloured by outcome); the
    outages of the nodes involved are hatched."""
    plt = pyplot()
    (r,) = results
    msg = args.message or 1
    found = r.rows("SELECT message_id, created_s FROM message WHERE msg_id = ?", msg)
    if not found:
        last = r.rows("SELECT MAX(msg_id) FROM message")[0][0]
        raise BadInput(f"{r.path}: no message {msg} (messages are 1..{last or 0})")
    message_id, created = found[0]
    r.require("attempt", ATTEMPTS_HINT)
    hops = r.rows("SELECT node, arrived_s, left_s FROM hop_delay WHERE msg_id = ? "
                  "ORDER BY arrived_s", msg)
    attempts = r.rows("SELECT from_node, to_node, started_s, ended_s, outcome FROM attempt "
                      "WHERE msg_id = ? ORDER BY started_s", msg)
    delivered = r.rows("SELECT node, delivered_s FROM delivery WHERE msg_id = ?", msg)
    rows = list(dict.fromkeys([h[0] for h in hops] + [a[0] for a in attempts] +
                              [a[1] for a in attempts if a[1]]))
    outages = [o for o in r.rows("SELECT target, kind, start_s, end_s FROM outage")
               if o[0] in rows]
    last = max([created] + [h[2] or h[1] for h in hops] + [a[3] for a in attempts] +
               [d[1] for d in delivered])
    scale, unit = time_unit(last - created)
    y_of = {n: i for i, n in enumerate(rows)}
    fig, (ax,) = new_figure(len(rows), 0.7)
    for target, kind, start, end in outages:
        ax.barh(y_of[target], (end - start) / scale, left=(start - created) / scale,
                height=0.8, facecolor="none", edgecolor="tab:red", hatch="xx",
                linewidth=0.5, label=f"{kind} {target}")
    for node, arrived, left in hops:
        ax.barh(y_of[node], ((left if left is not None else last) - arrived) / scale,
                left=(arrived - created) / scale, height=0.5, color="lightsteelblue",
                label="queued" if node == hops[0][0] else None)
    for frm, _to, start, end, outcome in attempts:
        width = max((end - start) / scale, (last - created) / scale / 400)
        ax.barh(y_of[frm], width, left=(start - created) / scale, height=0.3,
                color=OUTCOME_COLOURS.get(outcome, "black"))
    for node, t in delivered:
        ax.plot([(t - created) / scale], [y_of[node]], marker="*", markersize=14,
                color="gold", markeredgecolor="black", linestyle="none", label="delivered")
    ax.set_yticks(range(len(rows)), rows)
    ax.invert_yaxis()
    ax.set_xlabel(f"time since the message was created ({unit})")
    ax.set_xlim(left=0)
    ax.grid(axis="x", alpha=0.3)
    outcomes = {a[4] for a in attempts}
    handles, labels = ax.get_legend_handles_labels()
    handles += [plt.Line2D([], [], color=OUTCOME_COLOURS.get(o, "black"), lw=6)
                for o in sorted(outcomes)]
    labels += [f"attempt: {o}" for o in sorted(outcomes)]
    ax.legend(handles, labels, fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1))
    ax.set_title(f"Message {msg} <{message_id}> ({r.label})")
    return fig


def plot_retry_timeline(results, _args):
    """Every delivery attempt over time, one row per database (a retry policy, or a
    replication of one), coloured by outcome, over the run's outages. A row without a
    --label is named after the scenario and the retry law that did the retrying."""
    labels = [r.label for r in results]
    for i, r in enumerate(results):
        policy = r.retry_policy() if r.label == r.scenario else None
        if policy and policy != r.scenario:
            labels[i] = f"{r.scenario} ({policy})"
    if len(set(labels)) < len(labels):
        labels = [f"{label} seed {r.seed}" for label, r in zip(labels, results)]
    per_row, outcomes, end = [], set(), 0.0
    for r in results:
        r.require("attempt", ATTEMPTS_HINT)
        attempts = r.rows("SELECT started_s, ended_s, outcome FROM attempt ORDER BY started_s")
        per_row.append((r, attempts))
        outcomes |= {a[2] for a in attempts}
        end = max(end, max(a[1] for a in attempts))
    scale, unit = time_unit(end)
    fig, (ax,) = new_figure(len(results), 0.6)
    for y, (r, attempts) in enumerate(per_row):
        for _target, _kind, start, stop in r.rows("SELECT target, kind, start_s, end_s FROM outage"):
            ax.barh(y, (min(stop, end) - start) / scale, left=start / scale, height=0.9,
                    color="mistyrose", zorder=0)
        ax.scatter([a[0] / scale for a in attempts], [y] * len(attempts), marker="|", s=160,
                   c=[OUTCOME_COLOURS.get(a[2], "black") for a in attempts], zorder=2)
        ax.text(end / scale, y + 0.32, f"{len(attempts)} attempts", ha="right", fontsize=7)
    ax.set_yticks(range(len(results)), labels)
    ax.set_ylim(len(results) - 0.5, -0.5)
    ax.set_xlim(0, end / scale * 1.01)
    ax.set_xlabel(f"simulated time ({unit}); shaded: outages")
    ax.grid(axis="x", alpha=0.3)
    outcome_legend(ax, outcomes)
    ax.set_title("Delivery attempts over time")
    return fig
