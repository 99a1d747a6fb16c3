"""Server-rendered SVG charts of a simulation result (no JavaScript). Each page shows the data
table beside the chart; the SVG carries a title and a description for screen readers."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from django.utils.safestring import SafeString, mark_safe

from openpmo.common import charts as svg
from openpmo.common.money import money_text

WIDTH, HEIGHT = 640, 260
LEFT, RIGHT, TOP, BOTTOM = 70, 20, 16, 40
BAR = svg.BLUE
NEGATIVE = svg.RED
AXIS = svg.GREY


def _svg(title: str, description: str, body: list[SafeString], height: int = HEIGHT) -> SafeString:
    slug = "".join(ch if ch.isalnum() else "-" for ch in title.lower())[:40]
    return svg.document(
        body,
        chart_id=slug,
        title=title,
        description=description,
        width=WIDTH,
        height=height,
        css_class="risks-chart",
        xmlns="http://www.w3.org/2000/svg",
    )


def _label(x: float, y: float, text: str, anchor: str = "middle", size: int = 12) -> SafeString:
    return svg.label(x, y, text, anchor=anchor, size=size)


def _axes(height: int = HEIGHT) -> list[SafeString]:
    return [
        svg.line(LEFT, height - BOTTOM, WIDTH - RIGHT, height - BOTTOM, stroke=AXIS),
        svg.line(LEFT, TOP, LEFT, height - BOTTOM, stroke=AXIS),
    ]


def _range_labels(first: str, last: str, unit: str) -> list[SafeString]:
    """The lowest and highest value under the ends of the horizontal axis, the unit between."""
    return [
        _label(LEFT, HEIGHT - BOTTOM + 16, first, "start"),
        _label(WIDTH - RIGHT, HEIGHT - BOTTOM + 16, last, "end"),
        _label(LEFT + (WIDTH - LEFT - RIGHT) / 2, HEIGHT - 6, unit),
    ]


def histogram(
    bins: Sequence[dict[str, object]], *, title: str, unit: str, money: bool = False
) -> SafeString:
    """Bars of the count of iterations in each range."""
    if not bins:
        return mark_safe("")
    counts = [int(b["count"]) for b in bins]  # type: ignore[call-overload]
    top = max(counts) or 1
    height = svg.Scale(0, top, 0, HEIGHT - TOP - BOTTOM)
    width = (WIDTH - LEFT - RIGHT) / len(bins)
    body = _axes()
    for i, count in enumerate(counts):
        h = height(count)
        x = LEFT + i * width
        body.append(svg.rect(x + 1, HEIGHT - BOTTOM - h, max(width - 2, 1), h, fill=BAR))
    first, last = _fmt(bins[0]["low"], money), _fmt(bins[-1]["high"], money)
    body += _range_labels(first, last, unit)
    body.append(_label(LEFT - 6, TOP + 10, str(top), "end"))
    body.append(_label(LEFT - 6, HEIGHT - BOTTOM, "0", "end"))
    return _svg(
        title,
        f"Histogram of {sum(counts)} iterations from {first} "
        f"to {last}; the table beside it gives every bar.",
        body,
    )


def _fmt(value: object, money: bool) -> str:
    if money:
        return money_text(Decimal(str(value)))
    return f"{float(value):,.1f}"  # type: ignore[arg-type]


def s_curve(
    points: Sequence[tuple[float, float]], *, title: str, unit: str, money: bool = False
) -> SafeString:
    """Cumulative probability (vertical) of finishing by / costing at most a value."""
    if not points:
        return mark_safe("")
    values = [v for _, v in points]
    low, high = min(values), max(values)
    x = svg.Scale(low, high if high > low else low + 1.0, LEFT, WIDTH - RIGHT)
    y = svg.Scale(0, 1, HEIGHT - BOTTOM, TOP)
    body = _axes()
    for level in (0.5, 0.8):
        body.append(
            svg.line(
                LEFT, y(level), WIDTH - RIGHT, y(level), stroke=svg.GRID, stroke_dasharray="4 4"
            )
        )
        body.append(_label(LEFT - 6, y(level) + 4, f"P{int(level * 100)}", "end"))
    path = " ".join(
        f"{'M' if i == 0 else 'L'}{x(v):.1f},{y(p):.1f}" for i, (p, v) in enumerate(points)
    )
    body.append(svg.element("path", d=path, fill="none", stroke=BAR, stroke_width=3))
    body += _range_labels(_fmt(low, money), _fmt(high, money), unit)
    body.append(_label(LEFT - 6, TOP + 10, "100%", "end"))
    return _svg(
        title,
        f"Cumulative probability from {_fmt(low, money)} to {_fmt(high, money)}; "
        "the table beside it gives the points.",
        body,
    )


def bars(
    rows: Sequence[tuple[str, float]], *, title: str, signed: bool = False, percent: bool = False
) -> SafeString:
    """Horizontal bars (a tornado when ``signed``: -1 to 1 about a centre line)."""
    if not rows:
        return mark_safe("")
    row_h = 22
    left = 200
    height = TOP + row_h * len(rows) + 30
    plot_w = WIDTH - left - RIGHT
    centre = left + plot_w / 2 if signed else left
    scale = plot_w / 2 if signed else plot_w
    body = [svg.line(float(centre), TOP, float(centre), TOP + row_h * len(rows), stroke=AXIS)]
    for i, (name, value) in enumerate(rows):
        y = TOP + i * row_h
        w = abs(value) * scale
        x = centre - w if value < 0 else centre
        colour = NEGATIVE if value < 0 else BAR
        body.append(svg.rect(float(x), y + 3, float(w), row_h - 6, fill=colour))
        body.append(_label(left - 6, y + row_h - 7, name[:30], "end"))
        text = f"{value:.0%}" if percent else f"{value:+.2f}"
        body.append(
            _label(
                x + w + 4 if value >= 0 else x - 4,
                y + row_h - 7,
                text,
                "start" if value >= 0 else "end",
                11,
            )
        )
    return _svg(title, f"{len(rows)} bars; the table below it gives each value.", body, height)
