"""latency-cdf: the fraction of recipients delivered within x."""
from .results import BadInput
from .style import new_figure, time_unit


def plot_latency_cdf(results, _args):
    """Fraction of user recipients delivered within x, one curve per label (the
    databases sharing a label, e.g. replications, are pooled); a curve that stays
    below 1 shows the recipients that bounced, expired or were still queued."""
    pooled = {}
    for r in results:
        lat = [v for (v,) in r.rows("SELECT latency_s FROM recipient_latency WHERE kind = 'user'")]
        total = r.rows("SELECT COUNT(*) FROM recipient JOIN message USING (msg_id) "
                       "WHERE kind = 'user'")[0][0]
        if total == 0:
            raise BadInput(f"{r.path}: recipient is empty: the scenario sent no messages")
        got = pooled.setdefault(r.label, ([], [0]))
        got[0].extend(lat)
        got[1][0] += total
    if not any(lat for lat, _ in pooled.values()):
        raise BadInput("no recipient was delivered: recipient_latency is empty")
    scale, unit = time_unit(max(max(lat, default=0) for lat, _ in pooled.values()))
    fig, (ax,) = new_figure()
    for label, (lat, (total,)) in pooled.items():
        lat.sort()
        xs = [0.0] + [v / scale for v in lat]
        ys = [0.0] + [(i + 1) / total for i in range(len(lat))]
        ax.step(xs, ys, where="post",
                label=f"{label} ({len(lat)}/{total} delivered)")
    ax.set_xlabel(f"delivery latency ({unit})")
    ax.set_ylabel("fraction of recipients delivered")
    ax.set_ylim(0, 1.02)
    ax.set_xlim(0, max(max(lat, default=0) for lat, _ in pooled.values()) / scale * 1.04)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, loc="lower right")
    ax.set_title("Delivery latency (empirical CDF)")
    return fig
