"""Server-rendered SVG charts drawn from a snapshot's tables (no JavaScript, no CDN).

Each chart is drawn from one table of its section and printed beside that table, which is the
accessible (and exact) version of the figures; the SVG carries a title and a description for
screen readers. The same SVG goes into the web page and the PDF.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils.safestring import SafeString

from openpmo.common import charts as svg

WIDTH, HEIGHT = 640, 280
LEFT, RIGHT, TOP, BOTTOM = 72, 16, 16, 56
# GOV.UK colours; each series also differs by pattern (dashes) or by its label, never colour alone.
SERIES_COLOURS = [svg.BLUE, svg.INK, svg.GREEN, svg.ORANGE, svg.RED, svg.GREY]
RAG_COLOURS = {"Green": svg.GREEN, "Amber": svg.ORANGE, "Red": svg.RED}
OTHER_COLOUR = svg.GRID
DASHES = "6 4"


def _value(cell: Any) -> float:
    if cell in (None, ""):
        return 0.0
    return float(Decimal(str(cell)))


def _month_label(value: str) -> str:
    """2024-03 as "Mar 24": short enough for twelve or more bars side by side."""
    try:
        return f"{dt.date.fromisoformat(value + '-01'):%b %y}"
    except ValueError:
        return value


def _frame(title: str, description: str, body: list[SafeString], chart_id: str) -> SafeString:
    return svg.document(
        body,
        chart_id=chart_id,
        title=title,
        description=description,
        width=WIDTH,
        height=HEIGHT,
        css_class="openpmo-report-chart",
        xmlns="http://www.w3.org/2000/svg",
        width_=WIDTH,
        height_=HEIGHT,
        font_family="DejaVu Sans, Liberation Sans, Arial, sans-serif",
        font_size=11,
    )


def _value_axis(low: float, high: float, unit: str) -> tuple[svg.Scale, list[SafeString]]:
    """The vertical scale over ``low``-``high`` widened to round steps, and its grid."""
    low, high, step = svg.axis_range(low, high)
    y = svg.Scale(low, high, HEIGHT - BOTTOM, TOP)
    grid = svg.value_grid(
        y,
        svg.ticks(low, high, step),
        left=LEFT,
        right=WIDTH - RIGHT,
        unit=unit,
        fill=None,
        width=0.5,
        zero_width=1.5,
    )
    return y, grid


def _x_labels(labels: list[str], xs: list[float]) -> list[SafeString]:
    return svg.category_labels(labels, xs, y=HEIGHT - BOTTOM + 16, most=12)


def _legend(names: list[str], colours: list[str], dashed: list[bool]) -> list[SafeString]:
    out = []
    x = LEFT
    for name, colour, dash in zip(names, colours, dashed, strict=True):
        out.append(
            svg.line(
                x,
                HEIGHT - 14,
                x + 22,
                HEIGHT - 14,
                stroke=colour,
                stroke_width=6,
                stroke_dasharray=DASHES if dash else None,
            )
        )
        out.append(svg.label(x + 28, HEIGHT - 10, name, fill=None))
        x += 40 + 7 * len(name)
    return out


def render(chart: dict[str, Any], data: dict[str, Any] | None, chart_id: str) -> SafeString:
    """The SVG for ``chart`` (a section's chart spec) drawn from its table ``data``."""
    if not data or not data.get("rows"):
        return svg.empty("No figures to chart yet.")
    kind = chart.get("kind", "bar")
    if kind == "line":
        return _line(chart, data, chart_id)
    if kind == "stacked":
        return _stacked(chart, data, chart_id)
    return _bars(chart, data, chart_id)


def _series(
    chart: dict[str, Any], data: dict[str, Any]
) -> tuple[list[str], list[str], list[list[float]]]:
    x = chart.get("x", 0)
    if data["columns"][x]["type"] == "month":
        labels = [_month_label(str(row[x])) for row in data["rows"]]
    else:
        labels = [str(row[x]) for row in data["rows"]]
    names = [data["columns"][i]["label"] for i in chart["series"]]
    values = [[_value(row[i]) for row in data["rows"]] for i in chart["series"]]
    return labels, names, values


def _description(chart: dict[str, Any], data: dict[str, Any]) -> str:
    return (
        f"{chart.get('title', '')}. The table “{data.get('caption', '')}” beside this chart "
        "gives every figure."
    )


def _line(chart: dict[str, Any], data: dict[str, Any], chart_id: str) -> SafeString:
    labels, names, values = _series(chart, data)
    flat = [v for series in values for v in series]
    y, body = _value_axis(min(0.0, *flat), max(0.0, *flat), chart.get("unit", ""))
    count = len(labels)
    xs = svg.spread(count, LEFT, WIDTH - LEFT - RIGHT)
    mark = chart.get("mark")
    raw = [str(row[chart.get("x", 0)]) for row in data["rows"]]
    stop = raw.index(mark) + 1 if mark in raw else count
    dashed = []
    for index, series in enumerate(values):
        colour = SERIES_COLOURS[index % len(SERIES_COLOURS)]
        # The first series (planned) is dashed and runs to the end; the others (actual) stop at
        # the report's month: what happened after it is not known to the report.
        upto = count if index == 0 else stop
        dash = index == 0
        dashed.append(dash)
        body.append(
            svg.element(
                "polyline",
                fill="none",
                stroke=colour,
                stroke_width=2.5,
                stroke_dasharray=DASHES if dash else None,
                points=svg.points((xs[i], y(series[i])) for i in range(upto)),
            )
        )
    body += _x_labels(labels, xs)
    body += _legend(names, SERIES_COLOURS[: len(names)], dashed)
    return _frame(chart.get("title", ""), _description(chart, data), body, chart_id)


def _bars(chart: dict[str, Any], data: dict[str, Any], chart_id: str) -> SafeString:
    labels, names, values = _series(chart, data)
    unit = chart.get("unit", "")
    flat = [v for series in values for v in series]
    y, body = _value_axis(min(0.0, *flat), max(0.0, *flat), unit)
    count, groups = len(labels), len(values)
    slot = (WIDTH - LEFT - RIGHT) / count
    bar = slot * 0.7 / groups
    xs = svg.band_centres(count, LEFT, WIDTH - LEFT - RIGHT)
    for centre, i in zip(xs, range(count), strict=True):
        for g, series in enumerate(values):
            value = series[i]
            top, bottom = (y(value), y(0)) if value >= 0 else (y(0), y(value))
            x = centre - slot * 0.35 + g * bar
            colour = SERIES_COLOURS[g % len(SERIES_COLOURS)]
            body.append(svg.rect(x, top, bar, max(bottom - top, 0.5), fill=colour))
            if count <= 12:
                body.append(
                    svg.label(
                        x + bar / 2,
                        top - 4,
                        svg.short_amount(value, unit),
                        anchor="middle",
                        size=10,
                        fill=None,
                    )
                )
    body += _x_labels(labels, xs)
    if groups > 1:
        body += _legend(names, SERIES_COLOURS[:groups], [False] * groups)
    return _frame(chart.get("title", ""), _description(chart, data), body, chart_id)


def _stacked(chart: dict[str, Any], data: dict[str, Any], chart_id: str) -> SafeString:
    labels, names, values = _series(chart, data)
    totals = [sum(series[i] for series in values) for i in range(len(labels))]
    y, body = _value_axis(0.0, max(totals + [1.0]), chart.get("unit", ""))
    slot = (WIDTH - LEFT - RIGHT) / len(labels)
    colours = [RAG_COLOURS.get(name, OTHER_COLOUR) for name in names]
    xs = svg.band_centres(len(labels), LEFT, WIDTH - LEFT - RIGHT)
    for i, centre in enumerate(xs):
        base = 0.0
        for series, colour, name in zip(values, colours, names, strict=True):
            if series[i]:
                top, bottom = y(base + series[i]), y(base)
                tip = svg.element("title", text=f"{labels[i]}: {name} {series[i]:.0f}")
                body.append(
                    svg.rect(
                        centre - slot * 0.35,
                        top,
                        slot * 0.7,
                        bottom - top,
                        tip,
                        fill=colour,
                        stroke=svg.WHITE,
                        stroke_width=1,
                    )
                )
                if bottom - top >= 12:
                    body.append(
                        svg.label(
                            centre,
                            (top + bottom) / 2 + 4,
                            f"{series[i]:.0f}",
                            anchor="middle",
                            size=10,
                            fill=svg.INK if colour == OTHER_COLOUR else svg.WHITE,
                        )
                    )
            base += series[i]
    body += _x_labels(labels, xs)
    body += _legend(names, colours, [False] * len(names))
    return _frame(chart.get("title", ""), _description(chart, data), body, chart_id)
