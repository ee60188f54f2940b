"""The HTML report's charts, drawn on the server with matplotlib as inline SVG strings (issue 5).

Every chart keeps its text as SVG text (`svg.fonttype = "none"`), so the reader's browser draws the
Chinese with its own CJK font and the page stays searchable and copyable; sizes, colours and fonts
are all in this module. Output is deterministic (`svg.hashsalt`, no date in the metadata), so the
same report gives the same page byte for byte.

Three things about matplotlib decide how this is written:

- matplotlib is imported when the first chart is drawn, not with this module: it costs 0.3 s and
  40 MB, which a service that never draws a page (or `gongkai report --format json`) need not pay,
  and the report modules that describe their pages import this one.
- We build `matplotlib.figure.Figure` objects directly and never import pyplot: no backend is ever
  selected (savefig(format="svg") uses the SVG canvas), and no figure manager holds a figure after
  the chart function returns, so there is nothing to close or to leak in a long-running server.
- rcParams are process-wide, and the SVG writer reads `svg.fonttype` and `svg.hashsalt` from them,
  so each chart sets them in an `rc_context` under one lock: two requests rendering at once in the
  service's thread pool cannot see each other's settings.
- matplotlib measures text with its own fonts even when it writes text as text. With a CJK font
  installed it measures Chinese right; without one it would measure with DejaVu Sans and warn
  ("Glyph ... missing"). The layout therefore never depends on matplotlib's measurements: margins
  come from `_em`, our own estimate (a CJK character is one em, anything else about 0.6), and the
  text is anchored (start, middle, end) so the browser places it exactly; and the glyph warning,
  which only concerns matplotlib's measuring, is ignored when no CJK font is installed.
"""

from __future__ import annotations

import functools
import io
import math
import re
import threading
import unicodedata
import warnings
from contextlib import contextmanager
from typing import TYPE_CHECKING, Iterator, Mapping, Sequence
from xml.sax.saxutils import escape

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.axis import Axis
    from matplotlib.figure import Figure

# Sizes in inches (matplotlib writes 72 pt per inch). The page shows every chart at its natural size
# (shrunk only on a narrower screen), so chart text has the size FONT_PT says: two WIDTH charts side
# by side on a 1280-pixel laptop screen, one per row on A4 portrait; heat maps are as wide as their
# classes need, bar charts as their labels need.
WIDTH = 5.6
HEIGHT = 2.7
FONT_PT = 9.5
SMALL_PT = 8.5
BAR_IN = 0.3  # height of one horizontal bar's row
BAR_AREA_IN = 2.6  # the least width of the bars themselves: long labels (rule ids) widen the chart instead
CELL_MAX_IN = 0.6  # a heat-map cell, shrunk when there are many classes
MATRIX_IN = 6.0  # the widest a heat map's cell area gets

INK = "#1a202c"
MUTED = "#4a5568"
GRID = "#e2e8f0"
BAR = "#2b6cb0"
LOW = "#c05621"  # bars below LOW_BELOW (a rule that is usually overridden)
LOW_BELOW = 0.5
# One colour per series, in order; distinct in print and for the common colour-vision deficiencies.
SERIES = ("#2b6cb0", "#2f855a", "#c05621", "#6b46c1", "#b7791f", "#2c7a7b", "#9b2c2c", "#4a5568")
# Lines that coincide (every field at 100 %) stay apart by width, dash and marker, not only by colour.
LINE_STYLES = (("-", "o", 2.6), ("--", "s", 2.0), ("-.", "^", 1.8), (":", "D", 1.8))
RIGHT_CMAP = "Greens"  # the heat map's diagonal: suggestion agreed with the final decision
WRONG_CMAP = "Oranges"  # off the diagonal: the reviewer changed the suggestion

# The first of these installed is used to measure Chinese; the browser uses its own fonts anyway.
CJK_FONTS = ("Noto Sans CJK SC", "Source Han Sans SC", "Noto Sans SC", "WenQuanYi Zen Hei", "WenQuanYi Micro Hei",
             "Microsoft YaHei", "PingFang SC", "SimHei")
_LOCK = threading.Lock()


@functools.cache
def cjk_font() -> str | None:
    """The installed CJK font matplotlib measures Chinese with, or None (then only the layout estimate counts)."""
    from matplotlib import font_manager

    installed = {f.name for f in font_manager.fontManager.ttflist}
    return next((name for name in CJK_FONTS if name in installed), None)


def _rc(salt: str) -> dict[str, object]:
    fonts = [f for f in (cjk_font(), "DejaVu Sans") if f]
    return {"svg.fonttype": "none", "svg.hashsalt": f"gongkai-{salt}", "font.family": "sans-serif",
            "font.sans-serif": fonts, "font.size": FONT_PT, "axes.edgecolor": MUTED, "axes.labelcolor": INK,
            "xtick.color": MUTED, "ytick.color": MUTED, "xtick.labelcolor": INK, "ytick.labelcolor": INK,
            "axes.spines.top": False, "axes.spines.right": False, "axes.unicode_minus": False}


@contextmanager
def _drawing(salt: str) -> Iterator[type[Figure]]:
    """Draw one chart: under the lock and the chart's rcParams; yields the Figure class to draw on."""
    import matplotlib as mpl
    from matplotlib.figure import Figure

    with _LOCK, mpl.rc_context(_rc(salt)), warnings.catch_warnings():
        # The browser draws the text (svg.fonttype none): a character the server's font lacks (no CJK
        # font at all, or a rare ideograph such as U+2340E in a division name) only affects
        # matplotlib's own measuring, which the layout does not rely on.
        warnings.filterwarnings("ignore", message=r"Glyph \d+ .* missing from font", category=UserWarning)
        yield Figure


def _em(text: str) -> float:
    """Estimated width of `text` in ems: CJK (wide) characters one em, others 0.6."""
    return sum(1.0 if unicodedata.east_asian_width(c) in "WF" else 0.6 for c in text)


def _inches(text: str, pt: float = FONT_PT) -> float:
    return _em(text) * pt / 72


def plain(text: object) -> str:
    """Text as matplotlib should show it, never as mathtext: a division named "$x$" stays "$x$"."""
    return str(text).replace("$", r"\$")


def _axes(fig: Figure, *, left: float, right: float, top: float, bottom: float) -> Axes:
    width, height = fig.get_size_inches()
    return fig.add_axes((left / width, bottom / height, 1 - (left + right) / width, 1 - (top + bottom) / height))


# matplotlib's numbered group ids (figure_1, axes_1, patch_3, xtick_2, matplotlib.axis_1, ...); the ids
# that are referenced (clip paths, markers) are hashes without an underscore and stay.
_GROUP_ID = re.compile(r' id="[A-Za-z][\w.]*_\d+"')


# matplotlib writes each element's look as a style attribute (style="fill: #fff; stroke-width: 0.8"). The
# report is served with a Content-Security-Policy that allows no inline style attribute (api/headers.py),
# so each declaration becomes the SVG presentation attribute of the same name (fill="#fff"), which a
# policy does not govern and which draws the same.
_STYLE = re.compile(r' style="([^"]*)"')
PRESENTATION = frozenset({
    "fill", "fill-opacity", "fill-rule", "stroke", "stroke-width", "stroke-opacity", "stroke-linecap",
    "stroke-linejoin", "stroke-miterlimit", "stroke-dasharray", "stroke-dashoffset", "opacity", "font-size",
    "font-family", "font-style", "font-weight", "text-anchor", "dominant-baseline", "clip-path", "color"})


def _attributes(match: re.Match[str]) -> str:
    declarations = [d.split(":", 1) for d in match.group(1).split(";") if ":" in d]
    return "".join(f' {name.strip()}="{value.strip()}"' for name, value in declarations)


def _svg(fig: Figure, title: str) -> str:
    """The figure as an inline <svg> element: no XML prolog or DOCTYPE (whose DTD address is a URL),
    no per-figure group ids (a page holds several charts and ids must be unique), no page-wide
    stylesheet (matplotlib's `*{...}` rule would apply to the whole HTML page), no style attributes
    (presentation attributes instead, see _STYLE), and a <title>."""
    out = io.StringIO()
    fig.savefig(out, format="svg", metadata={"Date": None, "Creator": None, "Format": None, "Type": None})
    svg = out.getvalue()
    svg = svg[svg.index("<svg"):]
    svg = re.sub(r'\s*<style type="text/css">.*?</style>', "", svg, flags=re.S)
    svg = re.sub(r"\s*<defs>\s*</defs>", "", svg)
    svg = _GROUP_ID.sub("", svg)
    svg = _STYLE.sub(_attributes, svg)
    return svg.replace("<svg ", '<svg class="chart" role="img" ', 1).replace(
        ">", f">\n <title>{escape(title)}</title>", 1).strip()


def _percent_axis(axis: Axis) -> None:
    from matplotlib.ticker import FuncFormatter

    axis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:.0%}"))


def _count_axis(axis: Axis) -> None:
    """Whole numbers only, about six ticks: an axis of counts."""
    from matplotlib.ticker import MaxNLocator

    axis.set_major_locator(MaxNLocator(integer=True, nbins=6))


def _short(labels: Sequence[str]) -> list[str]:
    """Periods as a time axis writes them: the year only where it starts or changes.

    >>> _short(["2026-11", "2026-12", "2027-01"]), _short(["2026-W52", "2026-W53", "2027-W01"])
    (['2026-11', '12', '2027-01'], ['2026-W52', 'W53', '2027-W01'])
    """
    out, year = [], None
    for label in labels:
        head, _, tail = label.partition("-")
        periodic = len(head) == 4 and head.isdigit() and tail != ""
        out.append(tail if periodic and head == year else label)
        year = head if periodic else None
    return out


def _sparse_ticks(ax: Axes, labels: Sequence[str], width: float) -> None:
    """Category labels along an x axis `width` inches long: every k-th one, k as small as lets them fit."""
    ticks: list[int] = []
    shown: list[str] = []
    for step in range(1, len(labels) + 1):
        ticks = list(range(0, len(labels), step))
        shown = _short([labels[i] for i in ticks])
        if max(_inches(s) + 0.15 for s in shown) * len(ticks) <= width:
            break
    ax.set_xticks(ticks, [plain(s) for s in shown])
    ax.set_xlim(-0.5, len(labels) - 0.5)


LEGEND_ROW_IN = 0.24


def _legend_columns(names: Sequence[str]) -> tuple[int, float]:
    """How many legend entries fit in a row of the chart's width, and the height the legend needs above the plot."""
    if len(names) < 2:
        return 0, 0.15
    entry = max(_inches(plain(n), SMALL_PT) for n in names) + 0.55  # the line sample, the gap and the text
    columns = max(1, min(len(names), int((WIDTH - 0.2) // entry)))
    return columns, 0.16 + LEGEND_ROW_IN * math.ceil(len(names) / columns)


def _legend(fig: Figure, ax: Axes, columns: int) -> None:
    if columns:
        fig.legend(*ax.get_legend_handles_labels(), loc="upper left", bbox_to_anchor=(0.01, 0.995), ncols=columns,
                   frameon=False, fontsize=SMALL_PT, handlelength=1.6, columnspacing=1.2, labelspacing=0.3)


def line(x: Sequence[str], series: Mapping[str, Sequence[float | None]], *, title: str, salt: str,
         percent: bool = False, height: float = HEIGHT) -> str:
    """Lines over ordered categories (months, ISO weeks); None is a gap. `percent`: values are 0..1."""
    with _drawing(salt) as Figure:
        legend, top = _legend_columns(list(series))
        fig = Figure(figsize=(WIDTH, height + top - 0.4))
        ax = _axes(fig, left=0.6, right=0.2, top=top, bottom=0.45)
        for i, (name, values) in enumerate(series.items()):
            ys = [math.nan if v is None else float(v) for v in values]
            colour = SERIES[i % len(SERIES)]
            style, marker, width = LINE_STYLES[i % len(LINE_STYLES)]
            ax.plot(range(len(ys)), ys, color=colour, linewidth=width, linestyle=style, marker=marker,
                    markersize=_marker(len(ys)) - i * 0.5, label=plain(name))
        _sparse_ticks(ax, x, WIDTH - 0.8)
        if percent:
            ax.set_ylim(-0.02, 1.04)
            _percent_axis(ax.yaxis)
        else:
            ax.set_ylim(bottom=0)
            _count_axis(ax.yaxis)
        ax.grid(axis="y", color=GRID, linewidth=0.8)
        ax.set_axisbelow(True)
        _legend(fig, ax, legend)
        return _svg(fig, title)


def _marker(points: int) -> float:
    """Marker size: large enough to show a lone point (a period between two empty ones), small when crowded."""
    return 4.5 if points <= 30 else 3.0


def panels(x: Sequence[str], series: Mapping[str, Sequence[float | None]], *, title: str, salt: str,
           panel_height: float = 0.8) -> str:
    """Rates (0..1) over ordered periods, one small panel per series on a shared x axis: four fields'
    accuracies that sit close together stay readable, where four lines in one plot would cross and hide."""
    top, gap, bottom = 0.1, 0.28, 0.45
    n = max(len(series), 1)
    with _drawing(salt) as Figure:
        fig = Figure(figsize=(WIDTH, top + n * (panel_height + gap) + bottom))
        height = fig.get_size_inches()[1]
        for i, (name, values) in enumerate(series.items()):
            colour = SERIES[i % len(SERIES)]
            y0 = bottom + (n - 1 - i) * (panel_height + gap)
            ax = fig.add_axes((0.6 / WIDTH, y0 / height, (WIDTH - 0.8) / WIDTH, panel_height / height))
            ys = [math.nan if v is None else float(v) for v in values]
            ax.plot(range(len(ys)), ys, color=colour, linewidth=2.0, marker="o", markersize=_marker(len(ys)))
            ax.set_ylim(-0.04, 1.06)
            ax.set_yticks([0, 0.5, 1])
            _percent_axis(ax.yaxis)
            ax.grid(axis="y", color=GRID, linewidth=0.8)
            ax.set_axisbelow(True)
            _sparse_ticks(ax, x, WIDTH - 0.8)
            if i < n - 1:
                ax.tick_params(axis="x", labelbottom=False)
            fig.text(0.62 / WIDTH, (y0 + panel_height + 0.04) / height, plain(name), ha="left", va="bottom",
                     fontsize=SMALL_PT, color=colour, fontweight="bold")
        return _svg(fig, title)


def columns(x: Sequence[str], series: Mapping[str, Sequence[int]], *, title: str, salt: str,
            height: float = HEIGHT) -> str:
    """Stacked columns over ordered categories (events per month, one colour per kind)."""
    with _drawing(salt) as Figure:
        legend, top = _legend_columns(list(series))
        fig = Figure(figsize=(WIDTH, height + top - 0.4))
        ax = _axes(fig, left=0.6, right=0.2, top=top, bottom=0.45)
        base = [0] * len(x)
        for i, (name, values) in enumerate(series.items()):
            ax.bar(range(len(x)), values, bottom=base, color=SERIES[i % len(SERIES)], width=0.7, label=plain(name))
            base = [b + v for b, v in zip(base, values, strict=True)]
        _sparse_ticks(ax, x, WIDTH - 0.8)
        ax.set_ylim(0, max(base, default=0) * 1.08 or 1)
        _count_axis(ax.yaxis)
        ax.grid(axis="y", color=GRID, linewidth=0.8)
        ax.set_axisbelow(True)
        _legend(fig, ax, legend)
        return _svg(fig, title)


def hbars(labels: Sequence[str], values: Sequence[float], *, title: str, salt: str, notes: Sequence[str] = (),
          percent: bool = False, highlight_below: float | None = None) -> str:
    """Horizontal bars, first label on top, each with its note (a count, "2/3 · 命中 3") at the bar's end.

    `percent`: values are 0..1 on a 0–100 % axis. `highlight_below`: bars under it in the warning colour.
    """
    notes = list(notes) or [f"{v:.1%}" if percent else f"{v:g}" for v in values]
    left = max((_inches(s) for s in labels), default=0) + 0.2
    right = max((_inches(n, SMALL_PT) for n in notes), default=0) + 0.25
    with _drawing(salt) as Figure:
        fig = Figure(figsize=(max(WIDTH, left + BAR_AREA_IN + right), 0.55 + BAR_IN * max(len(labels), 1)))
        ax = _axes(fig, left=left, right=right, top=0.1, bottom=0.45)
        ys = range(len(labels))
        colours = [LOW if highlight_below is not None and v < highlight_below else BAR for v in values]
        ax.barh(ys, values, color=colours, height=0.62)
        ax.set_yticks(list(ys), [plain(s) for s in labels])
        ax.set_ylim(len(labels) - 0.5, -0.5)
        top = 1.0 if percent else max(values, default=0) or 1
        ax.set_xlim(0, top)
        for y, v, note in zip(ys, values, notes, strict=True):
            ax.annotate(plain(note), (v, y), xytext=(4, 0), textcoords="offset points", va="center", ha="left",
                        fontsize=SMALL_PT, color=INK, annotation_clip=False)
        if percent:
            _percent_axis(ax.xaxis)
        else:
            _count_axis(ax.xaxis)
        ax.tick_params(axis="y", length=0)
        ax.grid(axis="x", color=GRID, linewidth=0.8)
        ax.set_axisbelow(True)
        return _svg(fig, title)


def heatmap(rows: Sequence[str], cols: Sequence[str], counts: Mapping[str, Mapping[str, int]], *, title: str,
            salt: str, names: Mapping[str, str] | None = None) -> str:
    """A confusion matrix: `rows` the final decision (gold), `cols` the suggestion, counts[row][col].

    Pass both in one order (rows a prefix of cols) and agreement is the diagonal. Cells where row and
    column agree are green and framed, shaded by the largest such count; the others orange, shaded by
    the largest disagreement, so the commonest mistake stands out however many are right; each
    non-zero count is written in its cell. `names` gives a label's display name (default the label).
    """
    names = names or {}
    row_names, col_names = [names.get(v, v) for v in rows], [names.get(v, v) for v in cols]
    n_rows, n_cols = max(len(rows), 1), max(len(cols), 1)
    cell = min(CELL_MAX_IN, MATRIX_IN / max(n_rows, n_cols))
    left = max((_inches(s) for s in row_names), default=0) + 0.45
    top, right = 0.15, 0.3
    bottom = 0.71 * max((_inches(s) for s in col_names), default=0) + 0.45  # the column labels stand at 45°
    cells = [(i, j, counts.get(g, {}).get(s, 0), g == s) for i, g in enumerate(rows) for j, s in enumerate(cols)]
    most = {agree: max((v for *_, v, a in cells if a == agree), default=0) or 1 for agree in (True, False)}
    small = SMALL_PT if max(n_rows, n_cols) > 8 else FONT_PT
    with _drawing(salt) as Figure:
        from matplotlib import colormaps
        from matplotlib.patches import Rectangle

        cmaps = {True: colormaps[RIGHT_CMAP], False: colormaps[WRONG_CMAP]}
        fig = Figure(figsize=(max(left + n_cols * cell + right, 2.5), top + n_rows * cell + bottom))
        width, height = fig.get_size_inches()
        ax = fig.add_axes((left / width, bottom / height, n_cols * cell / width, n_rows * cell / height))
        for i, j, value, agree in cells:
            # Disagreements stop at a middle orange, so the green diagonal stays what the eye finds first.
            shade = (0.2 + 0.7 * value / most[agree]) if agree else (0.15 + 0.45 * value / most[agree])
            ax.add_patch(Rectangle((j - 0.5, i - 0.5), 1, 1, facecolor=cmaps[agree](shade) if value else "#ffffff",
                                   edgecolor=GRID, linewidth=0.6))
            if value:
                ax.text(j, i, str(value), ha="center", va="center", fontsize=small,
                        color="#ffffff" if shade > 0.55 else INK)
        for i, j, _, agree in cells:  # the frames after all cells, so no neighbour paints over them
            if agree:
                ax.add_patch(Rectangle((j - 0.5, i - 0.5), 1, 1, fill=False, edgecolor="#276749", linewidth=1.6))
        ax.set_xlim(-0.5, n_cols - 0.5)
        ax.set_ylim(n_rows - 0.5, -0.5)
        ax.set_xticks(range(len(cols)), [plain(s) for s in col_names], rotation=45, ha="right", rotation_mode="anchor")
        ax.set_yticks(range(len(rows)), [plain(s) for s in row_names])
        ax.tick_params(length=0, labelsize=small)
        for spine in ax.spines.values():
            spine.set_visible(False)
        # Placed by hand, not by set_xlabel: matplotlib would place them from its own measure of the labels.
        fig.text((left + n_cols * cell / 2) / width, 0.06 / height, "系统建议 →", ha="center", va="bottom",
                 fontsize=SMALL_PT, color=MUTED)
        fig.text(0.06 / width, (bottom + n_rows * cell / 2) / height, "人工决定 →", rotation=270, ha="left",
                 va="center", fontsize=SMALL_PT, color=MUTED)
        return _svg(fig, title)
