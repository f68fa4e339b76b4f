"""What every figure shares: matplotlib loaded on demand, time axes, figure sizes, the
colours of attempt outcomes, and saving with metadata that does not change between runs."""
from .results import BadInput

_pyplot = None  # matplotlib.pyplot, imported once the arguments and files look right (~1 s)

OUTCOME_COLOURS = {"sent": "tab:green", "deferred": "tab:orange", "rejected": "tab:red",
                   "conn_refused": "tab:purple", "conn_timeout": "tab:gray",
                   "lost": "tab:brown"}

def pyplot():
    """matplotlib.pyplot with the Agg backend (no display), imported on first use."""
    global _pyplot
    if _pyplot is None:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot
        _pyplot = matplotlib.pyplot
        _pyplot.rcParams["svg.hashsalt"] = "mailsim"  # stable SVG ids
        _pyplot.rcParams["svg.fonttype"] = "none"  # text stays text: searchable, smaller
    return _pyplot

def time_unit(max_s):
    """(seconds per unit, unit name) that keeps an axis up to max_s readable."""
    for seconds, name, limit in ((1, "s", 120), (60, "min", 2 * 3600),
                                 (3600, "h", 3 * 86400)):
        if max_s <= limit:
            return seconds, name
    return 86400, "d"

def format_duration(seconds):
    """'3.1 h', '42 s', '250 ms': a duration for a label."""
    for size, name in ((86400, "d"), (3600, "h"), (60, "min"), (1, "s")):
        if seconds >= size:
            return f"{seconds / size:.3g} {name}"
    return f"{seconds * 1000:.3g} ms"

def new_figure(items=0, height_per_item=0.0, panels=1):
    """A 9-inch-wide figure of PANELS stacked axes (sharing x), tall enough for ITEMS
    bars or panels of height_per_item inches each; 4.5 inches without items."""
    height = 4.5 if items == 0 else max(2.5, 1.2 + height_per_item * items)
    fig, axes = pyplot().subplots(panels, 1, figsize=(9, height), sharex=True, squeeze=False)
    return fig, [a[0] for a in axes]

def outcome_legend(ax, outcomes):
    handles = [pyplot().Line2D([], [], color=OUTCOME_COLOURS.get(o, "black"), lw=6, label=o)
               for o in sorted(outcomes)]
    ax.legend(handles=handles, title="attempt outcome", fontsize=8, loc="upper left",
              bbox_to_anchor=(1.01, 1))

def save(fig, path, fmt):
    """Writes FIG with metadata that does not change between runs. It names matplotlib's
    version: another version may draw the same figure with other bytes."""
    import matplotlib
    creator = f"mailsim tools/plot (matplotlib {matplotlib.__version__})"
    metadata = ({"Creator": creator, "Date": None} if fmt == "svg" else {"Software": creator})
    try:
        fig.savefig(path, format=fmt, dpi=100, metadata=metadata, bbox_inches="tight")
    except OSError as e:
        raise BadInput(f"{path}: cannot write it ({e.strerror or e})") from None
    pyplot().close(fig)

