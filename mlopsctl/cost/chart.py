"""`mlopsctl cost <stack> --chart FILE`: a bar chart per component, idle and typical side by side.

The format comes from the file extension (`.png` or `.svg`); matplotlib draws it off-screen.
"""

from __future__ import annotations

from pathlib import Path

from policies.cost_model.lines import CostEstimate

FORMATS = (".png", ".svg")


class ChartError(ValueError):
    """The chart cannot be written as asked (an unknown extension, no matplotlib)."""


def chart_format(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        raise ChartError(
            f"--chart {path}: unknown chart format {suffix or '(no extension)'!r}; "
            f"allowed: {', '.join(FORMATS)}"
        )
    return suffix[1:]


def write_chart(result: CostEstimate, path: Path) -> Path:
    """Write the per-component bars of `result` to `path`; the format from its extension."""
    fmt = chart_format(path)
    try:
        import matplotlib

        matplotlib.use("Agg")
        matplotlib.rcParams["svg.fonttype"] = "none"  # SVG text stays text (names searchable)
        from matplotlib import pyplot
    except ImportError as error:  # pragma: no cover - pinned in the runtime requirements
        raise ChartError(f"--chart needs matplotlib ({error})") from error
    rows = sorted(result.by_component().items(), key=lambda item: -item[1][1])
    names = [name for name, _ in rows]
    positions = list(range(len(rows)))
    width = 0.4
    figure, axes = pyplot.subplots(figsize=(max(6.0, 0.9 * len(rows) + 2), 4.5))
    try:
        axes.bar([x - width / 2 for x in positions], [i for _, (i, _) in rows], width, label="idle")
        axes.bar(
            [x + width / 2 for x in positions], [t for _, (_, t) in rows], width, label="typical"
        )
        axes.set_xticks(positions, names, rotation=30, ha="right")
        axes.set_ylabel("USD per month")
        axes.set_title(
            f"{result.stack}: idle {result.idle_monthly_usd:,.2f} / typical "
            f"{result.typical_monthly_usd:,.2f} USD a month ({result.region} list prices)"
        )
        axes.legend()
        figure.tight_layout()
        path.parent.mkdir(parents=True, exist_ok=True)
        figure.savefig(path, format=fmt, metadata={"Date": None} if fmt == "svg" else None)
    finally:
        pyplot.close(figure)
    return path
