"""The Gantt chart: server-rendered SVG, no JavaScript.

The SVG carries a title and a description and a text label on every row; critical work is shown
by a hatched bar with a black outline and the word "critical" in its row label (never by colour
alone). The table beside the chart on each page holds the same data and is the accessible
version.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from django.utils.safestring import SafeString

from openpmo.common import charts as svg

LABEL_WIDTH = 300
PLOT_WIDTH = 660
ROW_HEIGHT = 26
TOP = 34
BOTTOM = 10
BAR_COLOUR = svg.BLUE
CRITICAL_COLOUR = svg.RED  # hatched and outlined as well
SUMMARY_COLOUR = svg.INK
GRID_COLOUR = svg.GRID
MAX_LABEL = 42


@dataclass
class GanttMilestone:
    when: dt.datetime
    label: str
    critical: bool = False


@dataclass
class GanttRow:
    label: str
    start: dt.datetime
    finish: dt.datetime
    critical: bool = False
    milestone: bool = False
    summary: bool = False
    depth: int = 0
    detail: str = ""
    milestones: list[GanttMilestone] = field(default_factory=list)


@dataclass
class GanttArrow:
    """From row ``source`` at ``when_from`` to row ``target`` at ``when_to``."""

    source: int
    target: int
    when_from: dt.datetime
    when_to: dt.datetime
    label: str = ""


def _date(value: dt.datetime) -> str:
    return f"{value.day} {value:%b %Y}"


def _diamond(tip: str, x: float, y: float, size: int, fill: str) -> SafeString:
    """A milestone: a diamond ``size`` across each half, its top at ``y``."""
    path = f"M {svg.coord(x)} {svg.coord(y)} l {size} {size} l -{size} {size} l -{size} -{size} z"
    return svg.titled(tip, svg.element("path", d=path, fill=fill, stroke=svg.INK, stroke_width=1))


def _row(
    index: int, row: GanttRow, x: Callable[[dt.datetime], float], chart_id: str
) -> list[SafeString]:
    """The label and the bar (or diamond) of one row, with its milestones."""
    middle = TOP + ROW_HEIGHT * index + ROW_HEIGHT / 2
    label = row.label if len(row.label) <= MAX_LABEL else row.label[: MAX_LABEL - 1] + "…"
    if row.critical:
        label += " (critical)"
    bold = "bold" if row.summary or row.critical else None
    parts = [svg.label(4 + 12 * row.depth, middle + 4, label, size=12, font_weight=bold)]
    tip = f"{row.label}: {_date(row.start)} to {_date(row.finish)}"
    if row.detail:
        tip += f", {row.detail}"
    if row.critical:
        tip += ", critical"
    colour = CRITICAL_COLOUR if row.critical else SUMMARY_COLOUR if row.summary else BAR_COLOUR
    if row.milestone:
        return parts + [_diamond(tip, x(row.finish), middle - 7, 7, colour)]
    left, right = x(row.start), x(row.finish)
    bar_height = 8 if row.summary else 14
    outline = {"stroke": svg.INK, "stroke_width": 2} if row.critical else {}
    fill = f"url(#{chart_id}-hatch)" if row.critical else colour
    bar = svg.rect(
        left, middle - bar_height / 2, max(right - left, 2.0), bar_height, fill=fill, **outline
    )
    parts.append(svg.titled(tip, bar))
    for milestone in row.milestones:
        tip = f"{milestone.label}: {_date(milestone.when)}"
        parts.append(_diamond(tip, x(milestone.when), middle - 6, 6, svg.YELLOW))
    return parts


def _arrow(arrow: GanttArrow, x: Callable[[dt.datetime], float], chart_id: str) -> SafeString:
    x1, y1 = x(arrow.when_from), TOP + ROW_HEIGHT * arrow.source + ROW_HEIGHT / 2
    x2, y2 = x(arrow.when_to), TOP + ROW_HEIGHT * arrow.target + ROW_HEIGHT / 2
    down = 1 if y2 > y1 else -1
    path = " ".join(
        (
            "M",
            svg.coord(x1),
            svg.coord(y1),
            "H",
            svg.coord(x1 + 6),
            "V",
            svg.coord(y2 - down * 7),
            "H",
            svg.coord(x2 - 2),
        )
    )
    return svg.titled(
        arrow.label,
        svg.element(
            "path",
            d=path,
            fill="none",
            stroke=svg.GREY,
            stroke_width=1.5,
            stroke_dasharray="4 2",
            marker_end=f"url(#{chart_id}-arrow)",
        ),
    )


def _defs(chart_id: str) -> SafeString:
    """The hatching of critical bars and the head of a dependency's arrow."""
    hatch = svg.element(
        "pattern",
        svg.element("rect", width=6, height=6, fill=CRITICAL_COLOUR),
        svg.line(0, 0, 0, 6, stroke=svg.WHITE, stroke_width=2),
        id=f"{chart_id}-hatch",
        width=6,
        height=6,
        patternUnits="userSpaceOnUse",
        patternTransform="rotate(45)",
    )
    head = svg.element(
        "marker",
        svg.element("path", d="M 0 0 L 10 5 L 0 10 z", fill=svg.GREY),
        id=f"{chart_id}-arrow",
        viewBox="0 0 10 10",
        refX=9,
        refY=5,
        markerWidth=6,
        markerHeight=6,
        orient="auto-start-reverse",
    )
    return svg.element("defs", hatch, head)


def gantt_svg(
    rows: Sequence[GanttRow],
    *,
    title: str,
    description: str,
    arrows: Sequence[GanttArrow] = (),
    chart_id: str = "gantt",
) -> SafeString:
    if not rows:
        return svg.empty("Nothing is scheduled yet.")
    first = min(row.start for row in rows)
    last = max(row.finish for row in rows)
    first = dt.datetime(first.year, first.month, 1)
    span = max((last - first).total_seconds(), 86400.0)
    width = LABEL_WIDTH + PLOT_WIDTH + 20
    height = TOP + ROW_HEIGHT * len(rows) + BOTTOM

    def x(moment: dt.datetime) -> float:
        return LABEL_WIDTH + PLOT_WIDTH * (moment - first).total_seconds() / span

    # Stripes behind alternate rows first, so the month lines show through them.
    parts = [
        svg.rect(0, TOP + ROW_HEIGHT * index, width, ROW_HEIGHT, fill=svg.STRIPE)
        for index in range(1, len(rows), 2)
    ]
    for tick in svg.month_ticks(first.date(), last.date()):
        tx = x(dt.datetime.combine(tick, dt.time()))
        parts.append(svg.line(tx, TOP - 6, tx, height - BOTTOM, stroke=GRID_COLOUR, stroke_width=1))
        parts.append(svg.label(tx + 2, TOP - 10, f"{tick:%b %Y}", size=11))
    for index, row in enumerate(rows):
        parts += _row(index, row, x, chart_id)
    parts += [_arrow(arrow, x, chart_id) for arrow in arrows]
    return svg.document(
        [_defs(chart_id), *parts],
        chart_id=chart_id,
        title=title,
        description=description,
        width=width,
        height=height,
        css_class="openpmo-gantt",
        width_="100%",
        xmlns="http://www.w3.org/2000/svg",
    )
