"""The Gantt chart: server-rendered SVG, no JavaScript.

The SVG carries a title and a description and a text label on every row; critical work is shown
by a hatched bar with a black outline and the word "critical" in its row label (never by colour
alone). The table beside the chart on each page holds the same data and is the accessible
version.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

LABEL_WIDTH = 300
PLOT_WIDTH = 660
ROW_HEIGHT = 26
TOP = 34
BOTTOM = 10
BAR_COLOUR = "#1d70b8"  # GOV.UK blue
CRITICAL_COLOUR = "#d4351c"  # GOV.UK red, hatched and outlined as well
SUMMARY_COLOUR = "#0b0c0c"
GRID_COLOUR = "#b1b4b6"
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


def _n(value: float) -> str:
    """A coordinate, to one decimal place (format_html escapes its arguments, so format first)."""
    return f"{value:.1f}"


def _date(value: dt.datetime) -> str:
    return f"{value.day} {value:%b %Y}"


def _ticks(first: dt.date, last: dt.date) -> list[dt.date]:
    months = (last.year - first.year) * 12 + last.month - first.month
    step = 1 if months <= 12 else 3 if months <= 48 else 6 if months <= 96 else 12
    year, month = first.year, first.month
    found = []
    while (year, month) <= (last.year, last.month):
        if (month - 1) % step == 0:
            found.append(dt.date(year, month, 1))
        month += 1
        if month > 12:
            year, month = year + 1, 1
    return [tick for tick in found if first <= tick <= last]


def gantt_svg(
    rows: Sequence[GanttRow],
    *,
    title: str,
    description: str,
    arrows: Sequence[GanttArrow] = (),
    chart_id: str = "gantt",
) -> SafeString:
    if not rows:
        return mark_safe('<p class="govuk-body">Nothing is scheduled yet.</p>')  # noqa: S308 (constant)
    first = min(row.start for row in rows)
    last = max(row.finish for row in rows)
    first = dt.datetime(first.year, first.month, 1)
    span = max((last - first).total_seconds(), 86400.0)
    width = LABEL_WIDTH + PLOT_WIDTH + 20
    height = TOP + ROW_HEIGHT * len(rows) + BOTTOM

    def x(moment: dt.datetime) -> float:
        return LABEL_WIDTH + PLOT_WIDTH * (moment - first).total_seconds() / span

    def y(index: int) -> float:
        return TOP + ROW_HEIGHT * index

    # Stripes behind alternate rows first, so the month lines show through them.
    parts: list[SafeString] = [
        format_html(
            '<rect x="0" y="{}" width="{}" height="{}" fill="#f3f2f1"/>',
            y(index),
            width,
            ROW_HEIGHT,
        )
        for index in range(1, len(rows), 2)
    ]
    for tick in _ticks(first.date(), last.date()):
        tx = x(dt.datetime.combine(tick, dt.time()))
        parts.append(
            format_html(
                '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}" stroke-width="1"/>'
                '<text x="{}" y="{}" font-size="11" fill="#0b0c0c">{}</text>',
                _n(tx),
                TOP - 6,
                _n(tx),
                height - BOTTOM,
                GRID_COLOUR,
                _n(tx + 2),
                TOP - 10,
                f"{tick:%b %Y}",
            )
        )
    for index, row in enumerate(rows):
        top = y(index)
        middle = top + ROW_HEIGHT / 2
        label = row.label if len(row.label) <= MAX_LABEL else row.label[: MAX_LABEL - 1] + "…"
        if row.critical:
            label += " (critical)"
        parts.append(
            format_html(
                '<text x="{}" y="{}" font-size="12" fill="#0b0c0c"{}>{}</text>',
                4 + 12 * row.depth,
                _n(middle + 4),
                mark_safe(' font-weight="bold"') if row.summary or row.critical else "",  # noqa: S308 (constant)
                label,
            )
        )
        tip = f"{row.label}: {_date(row.start)} to {_date(row.finish)}"
        if row.detail:
            tip += f", {row.detail}"
        if row.critical:
            tip += ", critical"
        colour = CRITICAL_COLOUR if row.critical else SUMMARY_COLOUR if row.summary else BAR_COLOUR
        if row.milestone:
            cx = x(row.finish)
            parts.append(
                format_html(
                    '<g><title>{}</title><path d="M {} {} l 7 7 l -7 7 l -7 -7 z" '
                    'fill="{}" stroke="#0b0c0c" stroke-width="1"/></g>',
                    tip,
                    _n(cx),
                    _n(middle - 7),
                    colour,
                )
            )
            continue
        left, right = x(row.start), x(row.finish)
        bar_height = 8 if row.summary else 14
        parts.append(
            format_html(
                '<g><title>{}</title><rect x="{}" y="{}" width="{}" height="{}" fill="{}"{}/></g>',
                tip,
                _n(left),
                _n(middle - bar_height / 2),
                _n(max(right - left, 2.0)),
                bar_height,
                f"url(#{chart_id}-hatch)" if row.critical else colour,
                mark_safe(' stroke="#0b0c0c" stroke-width="2"') if row.critical else "",  # noqa: S308 (constant)
            )
        )
        for milestone in row.milestones:
            parts.append(
                format_html(
                    '<g><title>{}: {}</title><path d="M {} {} l 6 6 l -6 6 l -6 -6 z" '
                    'fill="#ffdd00" stroke="#0b0c0c" stroke-width="1"/></g>',
                    milestone.label,
                    _date(milestone.when),
                    _n(x(milestone.when)),
                    _n(middle - 6),
                )
            )
    for arrow in arrows:
        x1, y1 = x(arrow.when_from), y(arrow.source) + ROW_HEIGHT / 2
        x2, y2 = x(arrow.when_to), y(arrow.target) + ROW_HEIGHT / 2
        down = 1 if y2 > y1 else -1
        parts.append(
            format_html(
                '<g><title>{}</title><path d="M {} {} H {} V {} H {}" '
                'fill="none" stroke="#505a5f" stroke-width="1.5" stroke-dasharray="4 2" '
                'marker-end="url(#{}-arrow)"/></g>',
                arrow.label,
                _n(x1),
                _n(y1),
                _n(x1 + 6),
                _n(y2 - down * 7),
                _n(x2 - 2),
                chart_id,
            )
        )
    defs = format_html(
        '<defs><pattern id="{0}-hatch" width="6" height="6" patternUnits="userSpaceOnUse" '
        'patternTransform="rotate(45)"><rect width="6" height="6" fill="{1}"/>'
        '<line x1="0" y1="0" x2="0" y2="6" stroke="#ffffff" stroke-width="2"/></pattern>'
        '<marker id="{0}-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="6" '
        'markerHeight="6" orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" '
        'fill="#505a5f"/></marker></defs>',
        chart_id,
        CRITICAL_COLOUR,
    )
    return format_html(
        '<svg class="openpmo-gantt" viewBox="0 0 {w} {h}" width="100%" role="img" '
        'aria-labelledby="{id}-title {id}-desc" xmlns="http://www.w3.org/2000/svg">'
        '<title id="{id}-title">{title}</title><desc id="{id}-desc">{desc}</desc>{defs}{body}</svg>',
        w=width,
        h=height,
        id=chart_id,
        title=title,
        desc=description,
        defs=defs,
        body=format_html_join("", "{}", ((part,) for part in parts)),
    )
