"""Server-rendered SVG charts drawn from a snapshot's tables (no JavaScript, no CDN).

Each chart is drawn from one table of its section and printed beside that table, which is the
accessible (and exact) version of the figures; the SVG carries a title and a description for
screen readers. The same SVG goes into the web page and the PDF.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

WIDTH, HEIGHT = 640, 280
LEFT, RIGHT, TOP, BOTTOM = 72, 16, 16, 56
# GOV.UK colours; each series also differs by pattern (dashes) or by its label, never colour alone.
SERIES_COLOURS = ["#1d70b8", "#0b0c0c", "#00703c", "#f47738", "#d4351c", "#505a5f"]
RAG_COLOURS = {"Green": "#00703c", "Amber": "#f47738", "Red": "#d4351c"}
OTHER_COLOUR = "#b1b4b6"


def _value(cell: Any) -> float:
    if cell in (None, ""):
        return 0.0
    return float(Decimal(str(cell)))


def _label(value: float, unit: str) -> str:
    size = abs(value)
    if unit == "£":
        if size >= 1_000_000:
            text = f"£{size / 1_000_000:.1f}m"
        elif size >= 1_000:
            text = f"£{size / 1_000:.0f}k"
        else:
            text = f"£{size:.0f}"
    else:
        text = f"{size:,.0f}"
    return f"−{text}" if value < 0 else text


def _month_label(value: str) -> str:
    """2024-03 as "Mar 24": short enough for twelve or more bars side by side."""
    try:
        return f"{dt.date.fromisoformat(value + '-01'):%b %y}"
    except ValueError:
        return value


def _nice_step(span: float) -> float:
    raw = span / 5 if span > 0 else 1.0
    magnitude = 10 ** (len(str(int(raw))) - 1) if raw >= 1 else 1
    for factor in (1, 2, 2.5, 5, 10):
        if magnitude * factor >= raw:
            return float(magnitude * factor)
    return float(magnitude * 10)


def _axis(low: float, high: float) -> tuple[float, float, float]:
    step = _nice_step(high - low)
    low = step * (low // step)
    high = step * -(-high // step) if high > low else low + step
    return low, high, step


def _frame(title: str, description: str, body: list[str], chart_id: str) -> SafeString:
    parts = [
        f'<svg class="openpmo-report-chart" xmlns="http://www.w3.org/2000/svg" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" height="{HEIGHT}" role="img" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" '
        f'font-family="DejaVu Sans, Liberation Sans, Arial, sans-serif" font-size="11">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(description)}</desc>',
        *body,
        "</svg>",
    ]
    return mark_safe("".join(parts))  # noqa: S308 (every text inside is escaped above)


def _grid(low: float, high: float, step: float, unit: str) -> list[str]:
    plot_h = HEIGHT - TOP - BOTTOM
    lines = []
    value = low
    while value <= high + step / 1000:
        y = TOP + plot_h * (1 - (value - low) / (high - low))
        lines.append(
            f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}" '
            f'stroke="#b1b4b6" stroke-width="{1.5 if value == 0 else 0.5}"/>'
            f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end">'
            f"{escape(_label(value, unit))}</text>"
        )
        value += step
    return lines


def _x_labels(labels: list[str], xs: list[float]) -> list[str]:
    every = max(1, len(labels) // 12)
    out = []
    for index, (label, x) in enumerate(zip(labels, xs, strict=True)):
        if index % every == 0 or index == len(labels) - 1:
            out.append(
                f'<text x="{x:.1f}" y="{HEIGHT - BOTTOM + 16}" text-anchor="middle">'
                f"{escape(label)}</text>"
            )
    return out


def _legend(names: list[str], colours: list[str], dashed: list[bool]) -> list[str]:
    out = []
    x = LEFT
    for name, colour, dash in zip(names, colours, dashed, strict=True):
        style = ' stroke-dasharray="6 4"' if dash else ""
        out.append(
            f'<line x1="{x}" x2="{x + 22}" y1="{HEIGHT - 14}" y2="{HEIGHT - 14}" '
            f'stroke="{colour}" stroke-width="6"{style}/>'
            f'<text x="{x + 28}" y="{HEIGHT - 10}">{escape(name)}</text>'
        )
        x += 40 + 7 * len(name)
    return out


def render(chart: dict[str, Any], data: dict[str, Any] | None, chart_id: str) -> SafeString:
    """The SVG for ``chart`` (a section's chart spec) drawn from its table ``data``."""
    if not data or not data.get("rows"):
        return mark_safe('<p class="govuk-body">No figures to chart yet.</p>')  # noqa: S308
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
    unit = chart.get("unit", "")
    flat = [v for series in values for v in series]
    low, high, step = _axis(min(0.0, *flat), max(0.0, *flat))
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    count = len(labels)
    xs = [LEFT + (plot_w * i / (count - 1) if count > 1 else plot_w / 2) for i in range(count)]

    def y(value: float) -> float:
        return TOP + plot_h * (1 - (value - low) / (high - low))

    body = _grid(low, high, step, unit)
    mark = chart.get("mark")
    raw = [str(row[chart.get("x", 0)]) for row in data["rows"]]
    stop = raw.index(mark) + 1 if mark in raw else count
    dashed = []
    for index, series in enumerate(values):
        colour = SERIES_COLOURS[index % len(SERIES_COLOURS)]
        # The first series (planned) is dashed and runs to the end; the others (actual) stop at
        # the report's month: what happened after it is not known to the report.
        upto = count if index == 0 else stop
        points = " ".join(f"{xs[i]:.1f},{y(series[i]):.1f}" for i in range(upto))
        dash = index == 0
        dashed.append(dash)
        style = ' stroke-dasharray="6 4"' if dash else ""
        body.append(
            f'<polyline fill="none" stroke="{colour}" stroke-width="2.5"{style} points="{points}"/>'
        )
    body += _x_labels(labels, xs)
    body += _legend(names, SERIES_COLOURS[: len(names)], dashed)
    return _frame(chart.get("title", ""), _description(chart, data), body, chart_id)


def _bars(chart: dict[str, Any], data: dict[str, Any], chart_id: str) -> SafeString:
    labels, names, values = _series(chart, data)
    unit = chart.get("unit", "")
    flat = [v for series in values for v in series]
    low, high, step = _axis(min(0.0, *flat), max(0.0, *flat))
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    count, groups = len(labels), len(values)
    slot = plot_w / count
    bar = slot * 0.7 / groups

    def y(value: float) -> float:
        return TOP + plot_h * (1 - (value - low) / (high - low))

    body = _grid(low, high, step, unit)
    xs = []
    for i in range(count):
        centre = LEFT + slot * (i + 0.5)
        xs.append(centre)
        for g, series in enumerate(values):
            value = series[i]
            top, bottom = (y(value), y(0)) if value >= 0 else (y(0), y(value))
            x = centre - slot * 0.35 + g * bar
            body.append(
                f'<rect x="{x:.1f}" y="{top:.1f}" width="{bar:.1f}" height="{max(bottom - top, 0.5):.1f}" '
                f'fill="{SERIES_COLOURS[g % len(SERIES_COLOURS)]}"/>'
            )
            if count <= 12:
                body.append(
                    f'<text x="{x + bar / 2:.1f}" y="{top - 4:.1f}" text-anchor="middle" '
                    f'font-size="10">{escape(_label(value, unit))}</text>'
                )
    body += _x_labels(labels, xs)
    if groups > 1:
        body += _legend(names, SERIES_COLOURS[:groups], [False] * groups)
    return _frame(chart.get("title", ""), _description(chart, data), body, chart_id)


def _stacked(chart: dict[str, Any], data: dict[str, Any], chart_id: str) -> SafeString:
    labels, names, values = _series(chart, data)
    unit = chart.get("unit", "")
    totals = [sum(series[i] for series in values) for i in range(len(labels))]
    low, high, step = _axis(0.0, max(totals + [1.0]))
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    slot = plot_w / len(labels)
    colours = [RAG_COLOURS.get(name, OTHER_COLOUR) for name in names]

    def y(value: float) -> float:
        return TOP + plot_h * (1 - (value - low) / (high - low))

    body = _grid(low, high, step, unit)
    xs = []
    for i in range(len(labels)):
        centre = LEFT + slot * (i + 0.5)
        xs.append(centre)
        base = 0.0
        for series, colour, name in zip(values, colours, names, strict=True):
            if series[i]:
                top, bottom = y(base + series[i]), y(base)
                body.append(
                    f'<rect x="{centre - slot * 0.35:.1f}" y="{top:.1f}" width="{slot * 0.7:.1f}" '
                    f'height="{bottom - top:.1f}" fill="{colour}" stroke="#ffffff" stroke-width="1">'
                    f"<title>{escape(labels[i])}: {escape(name)} {series[i]:.0f}</title></rect>"
                )
                if bottom - top >= 12:
                    body.append(
                        f'<text x="{centre:.1f}" y="{(top + bottom) / 2 + 4:.1f}" '
                        f'text-anchor="middle" font-size="10" '
                        f'fill="{"#0b0c0c" if colour == OTHER_COLOUR else "#ffffff"}">'
                        f"{series[i]:.0f}</text>"
                    )
            base += series[i]
    body += _x_labels(labels, xs)
    body += _legend(names, colours, [False] * len(names))
    return _frame(chart.get("title", ""), _description(chart, data), body, chart_id)
