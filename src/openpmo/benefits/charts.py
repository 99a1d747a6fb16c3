"""Server-rendered SVG charts (no JavaScript). Every chart is shown beside a table of its data,
which is the accessible version; the SVG carries a title and description for screen readers."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from openpmo.common.money import amount_text
from openpmo.core.benefits import CurvePoint, Month

WIDTH, HEIGHT = 720, 320
LEFT, RIGHT, TOP, BOTTOM = 80, 20, 20, 50
PLANNED_COLOUR = "#1d70b8"  # GOV.UK blue, dashed
ACTUAL_COLOUR = "#0b0c0c"  # GOV.UK black, solid


def _nice_step(span: float) -> float:
    raw = span / 5 if span > 0 else 1
    magnitude = 10 ** (len(str(int(raw))) - 1) if raw >= 1 else 1
    for factor in (1, 2, 2.5, 5, 10):
        if magnitude * factor >= raw:
            return magnitude * factor
    return magnitude * 10


def _label(value: float, unit: str) -> str:
    size = abs(value)
    if unit == "£":
        if size >= 1_000_000:
            text = f"£{size / 1_000_000:.1f}m"
        elif size >= 1_000:
            text = f"£{amount_text(size / 1_000)}k"
        else:
            text = f"£{amount_text(size)}"
    else:
        text = f"{size:,.0f}"
    return f"−{text}" if value < 0 else text


def cumulative_chart(
    points: Sequence[CurvePoint], *, as_of: Month, unit: str, title: str, table_id: str
) -> SafeString:
    """Planned (dashed) and actual (solid, up to ``as_of``) cumulative lines."""
    if not points:
        return mark_safe('<p class="govuk-body">No profile or actuals to chart yet.</p>')  # noqa: S308 (constant)
    values = [float(p.planned_cumulative) for p in points] + [
        float(p.actual_cumulative) for p in points if p.month <= as_of
    ]
    low, high = min(0.0, *values), max(0.0, *values)
    step = _nice_step(high - low)
    low = step * (low // step)
    high = step * -(-high // step) if high > low else low + step
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    count = len(points)

    def x(index: int) -> float:
        return LEFT + (plot_w * index / (count - 1) if count > 1 else plot_w / 2)

    def y(value: float) -> float:
        return TOP + plot_h * (1 - (value - low) / (high - low))

    grid = []
    tick = low
    while tick <= high + step / 2:
        grid.append(
            format_html(
                '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="#b1b4b6" stroke-width="1"/>'
                '<text x="{}" y="{}" text-anchor="end" font-size="12" fill="#0b0c0c">{}</text>',
                LEFT,
                _n(y(tick)),
                WIDTH - RIGHT,
                _n(y(tick)),
                LEFT - 6,
                _n(y(tick) + 4),
                _label(tick, unit),
            )
        )
        tick += step
    labels = []
    every = max(1, count // 8)
    for index, point in enumerate(points):
        if index % every == 0 or index == count - 1:
            labels.append(
                format_html(
                    '<text x="{}" y="{}" text-anchor="middle" font-size="12" fill="#0b0c0c">'
                    "{}</text>",
                    _n(x(index)),
                    HEIGHT - BOTTOM + 18,
                    point.month.first_day.strftime("%b %y"),
                )
            )
    planned = " ".join(
        f"{x(i):.1f},{y(float(p.planned_cumulative)):.1f}" for i, p in enumerate(points)
    )
    actual = " ".join(
        f"{x(i):.1f},{y(float(p.actual_cumulative)):.1f}"
        for i, p in enumerate(points)
        if p.month <= as_of
    )
    as_of_index = next((i for i, p in enumerate(points) if p.month == as_of), None)
    marker = ""
    if as_of_index is not None:
        marker = format_html(
            '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="#505a5f" stroke-dasharray="2 3"/>'
            '<text x="{}" y="{}" font-size="12" fill="#505a5f" text-anchor="middle">{}</text>',
            _n(x(as_of_index)),
            TOP,
            _n(x(as_of_index)),
            HEIGHT - BOTTOM,
            _n(x(as_of_index)),
            HEIGHT - 8,
            f"as of {as_of.first_day:%b %Y}",
        )
    last_actual = next((p for p in reversed(points) if p.month <= as_of), None)
    description = (
        f"Cumulative planned and actual from {points[0].month} to {points[-1].month}. "
        f"Planned to {as_of}: {_label(float(_planned_at(points, as_of)), unit)}; "
        f"actual: {_label(float(last_actual.actual_cumulative if last_actual else Decimal(0)), unit)}. "
        "The table that follows has every figure."
    )
    return format_html(
        '<svg class="openpmo-chart" viewBox="0 0 {w} {h}" width="100%" role="img" '
        'aria-labelledby="{id}-title {id}-desc" aria-details="{id}" '
        'preserveAspectRatio="xMidYMid meet" style="max-width:{w}px">'
        '<title id="{id}-title">{title}</title><desc id="{id}-desc">{desc}</desc>'
        "{grid}{labels}"
        '<line x1="{left}" y1="{zero}" x2="{right}" y2="{zero}" stroke="#0b0c0c"/>'
        '<polyline fill="none" stroke="{pc}" stroke-width="3" stroke-dasharray="8 5" points="{planned}"/>'
        '<polyline fill="none" stroke="{ac}" stroke-width="3" points="{actual}"/>'
        "{marker}"
        '<g font-size="13" fill="#0b0c0c">'
        '<line x1="{lx}" y1="{ly}" x2="{lx2}" y2="{ly}" stroke="{pc}" stroke-width="3" stroke-dasharray="8 5"/>'
        '<text x="{tx}" y="{ty}">Planned (cumulative)</text>'
        '<line x1="{lx3}" y1="{ly}" x2="{lx4}" y2="{ly}" stroke="{ac}" stroke-width="3"/>'
        '<text x="{tx2}" y="{ty}">Actual (cumulative)</text></g>'
        "</svg>",
        w=WIDTH,
        h=HEIGHT,
        id=table_id,
        title=title,
        desc=description,
        grid=format_html_join("", "{}", ((g,) for g in grid)),
        labels=format_html_join("", "{}", ((label,) for label in labels)),
        left=LEFT,
        right=WIDTH - RIGHT,
        zero=_n(y(0.0)),
        pc=PLANNED_COLOUR,
        ac=ACTUAL_COLOUR,
        planned=planned,
        actual=actual,
        marker=marker,
        lx=LEFT + 10,
        lx2=LEFT + 40,
        ly=TOP + 8,
        tx=LEFT + 46,
        ty=TOP + 12,
        lx3=LEFT + 220,
        lx4=LEFT + 250,
        tx2=LEFT + 256,
    )


def _n(value: float) -> str:
    return f"{value:.1f}"


def _planned_at(points: Sequence[CurvePoint], as_of: Month) -> Decimal:
    at = next((p for p in reversed(points) if p.month <= as_of), None)
    return at.planned_cumulative if at else Decimal(0)
