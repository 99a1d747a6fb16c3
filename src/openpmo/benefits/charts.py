"""Server-rendered SVG charts (no JavaScript). Every chart is shown beside a table of its data,
which is the accessible version; the SVG carries a title and description for screen readers."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from django.utils.safestring import SafeString

from openpmo.common import charts as svg
from openpmo.core.benefits import CurvePoint, Month

WIDTH, HEIGHT = 720, 320
LEFT, RIGHT, TOP, BOTTOM = 80, 20, 20, 50
PLANNED_COLOUR = svg.BLUE  # dashed
ACTUAL_COLOUR = svg.INK  # solid
DASHES = "8 5"


def cumulative_chart(
    points: Sequence[CurvePoint], *, as_of: Month, unit: str, title: str, table_id: str
) -> SafeString:
    """Planned (dashed) and actual (solid, up to ``as_of``) cumulative lines."""
    if not points:
        return svg.empty("No profile or actuals to chart yet.")
    actuals = [p for p in points if p.month <= as_of]
    values = [float(p.planned_cumulative) for p in points] + [
        float(p.actual_cumulative) for p in actuals
    ]
    low, high, step = svg.axis_range(min(0.0, *values), max(0.0, *values))
    y = svg.Scale(low, high, HEIGHT - BOTTOM, TOP)
    xs = svg.spread(len(points), LEFT, WIDTH - LEFT - RIGHT)
    body = svg.value_grid(
        y,
        svg.ticks(low, high, step),
        left=LEFT,
        right=WIDTH - RIGHT,
        unit=unit,
        size=12,
        fill=svg.INK,
    )
    body += svg.category_labels(
        [p.month.first_day.strftime("%b %y") for p in points],
        xs,
        y=HEIGHT - BOTTOM + 18,
        most=8,
        size=12,
        fill=svg.INK,
    )
    body.append(svg.line(LEFT, y(0.0), WIDTH - RIGHT, y(0.0), stroke=svg.INK))
    planned = svg.points(
        (x, y(float(p.planned_cumulative))) for x, p in zip(xs, points, strict=True)
    )
    actual = svg.points((xs[i], y(float(p.actual_cumulative))) for i, p in enumerate(actuals))
    body.append(_line(planned, PLANNED_COLOUR, DASHES))
    body.append(_line(actual, ACTUAL_COLOUR, None))
    as_of_index = next((i for i, p in enumerate(points) if p.month == as_of), None)
    if as_of_index is not None:
        at = xs[as_of_index]
        body.append(svg.line(at, TOP, at, HEIGHT - BOTTOM, stroke=svg.GREY, stroke_dasharray="2 3"))
        body.append(
            svg.label(
                at,
                HEIGHT - 8,
                f"as of {as_of.first_day:%b %Y}",
                anchor="middle",
                size=12,
                fill=svg.GREY,
            )
        )
    body.append(_legend())
    last_actual = actuals[-1] if actuals else None
    description = (
        f"Cumulative planned and actual from {points[0].month} to {points[-1].month}. "
        f"Planned to {as_of}: {svg.short_amount(float(_planned_at(points, as_of)), unit)}; "
        f"actual: {svg.short_amount(float(last_actual.actual_cumulative if last_actual else Decimal(0)), unit)}. "
        "The table that follows has every figure."
    )
    return svg.document(
        body,
        chart_id=table_id,
        title=title,
        description=description,
        width=WIDTH,
        height=HEIGHT,
        css_class="openpmo-chart",
        table_id=table_id,
        width_="100%",
        preserveAspectRatio="xMidYMid meet",
        style=f"max-width:{WIDTH}px",
    )


def _line(points: str, colour: str, dashes: str | None) -> SafeString:
    return svg.element(
        "polyline",
        fill="none",
        stroke=colour,
        stroke_width=3,
        stroke_dasharray=dashes,
        points=points,
    )


def _legend() -> SafeString:
    y = TOP + 8
    return svg.element(
        "g",
        svg.line(
            LEFT + 10,
            y,
            LEFT + 40,
            y,
            stroke=PLANNED_COLOUR,
            stroke_width=3,
            stroke_dasharray=DASHES,
        ),
        svg.label(LEFT + 46, TOP + 12, "Planned (cumulative)", fill=None),
        svg.line(LEFT + 220, y, LEFT + 250, y, stroke=ACTUAL_COLOUR, stroke_width=3),
        svg.label(LEFT + 256, TOP + 12, "Actual (cumulative)", fill=None),
        font_size=13,
        fill=svg.INK,
    )


def _planned_at(points: Sequence[CurvePoint], as_of: Month) -> Decimal:
    at = next((p for p in reversed(points) if p.month <= as_of), None)
    return at.planned_cumulative if at else Decimal(0)
