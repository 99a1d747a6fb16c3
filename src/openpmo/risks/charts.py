"""Server-rendered SVG charts of a simulation result (no JavaScript). Each page shows the data
table beside the chart; the SVG carries a title and a description for screen readers."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from openpmo.common.money import money_text

WIDTH, HEIGHT = 640, 260
LEFT, RIGHT, TOP, BOTTOM = 70, 20, 16, 40
BAR = "#1d70b8"
NEGATIVE = "#d4351c"
AXIS = "#505a5f"


def _svg(title: str, description: str, body: list[str], height: int = HEIGHT) -> SafeString:
    slug = "".join(ch if ch.isalnum() else "-" for ch in title.lower())[:40]
    return mark_safe(  # noqa: S308 - every text part is escaped below
        f'<svg class="risks-chart" viewBox="0 0 {WIDTH} {height}" role="img" '
        f'aria-labelledby="{slug}-t {slug}-d" xmlns="http://www.w3.org/2000/svg">'
        f'<title id="{slug}-t">{escape(title)}</title><desc id="{slug}-d">{escape(description)}</desc>'
        + "".join(body)
        + "</svg>"
    )


def _label(x: float, y: float, text: str, anchor: str = "middle", size: int = 12) -> str:
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}" '
        f'fill="#0b0c0c">{escape(text)}</text>'
    )


def _axes(height: int = HEIGHT) -> list[str]:
    return [
        f'<line x1="{LEFT}" y1="{height - BOTTOM}" x2="{WIDTH - RIGHT}" y2="{height - BOTTOM}" stroke="{AXIS}"/>',
        f'<line x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{height - BOTTOM}" stroke="{AXIS}"/>',
    ]


def histogram(
    bins: Sequence[dict[str, object]], *, title: str, unit: str, money: bool = False
) -> SafeString:
    """Bars of the count of iterations in each range."""
    if not bins:
        return mark_safe("")
    top = max(int(b["count"]) for b in bins) or 1  # type: ignore[call-overload]
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    width = plot_w / len(bins)
    body = _axes()
    for i, b in enumerate(bins):
        h = plot_h * int(b["count"]) / top  # type: ignore[call-overload]
        x = LEFT + i * width
        body.append(
            f'<rect x="{x + 1:.1f}" y="{TOP + plot_h - h:.1f}" width="{max(width - 2, 1):.1f}" '
            f'height="{h:.1f}" fill="{BAR}"/>'
        )
    first, last = bins[0]["low"], bins[-1]["high"]
    body.append(_label(LEFT, HEIGHT - BOTTOM + 16, _fmt(first, money), "start"))
    body.append(_label(WIDTH - RIGHT, HEIGHT - BOTTOM + 16, _fmt(last, money), "end"))
    body.append(_label(LEFT + plot_w / 2, HEIGHT - 6, unit))
    body.append(_label(LEFT - 6, TOP + 10, str(top), "end"))
    body.append(_label(LEFT - 6, HEIGHT - BOTTOM, "0", "end"))
    return _svg(
        title,
        f"Histogram of {sum(int(b['count']) for b in bins)} iterations from {_fmt(first, money)} "  # type: ignore[call-overload]
        f"to {_fmt(last, money)}; the table beside it gives every bar.",
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
    span = (high - low) or 1.0
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    coords = [(LEFT + plot_w * (v - low) / span, TOP + plot_h * (1 - p)) for p, v in points]
    body = _axes()
    for level in (0.5, 0.8):
        y = TOP + plot_h * (1 - level)
        body.append(
            f'<line x1="{LEFT}" y1="{y:.1f}" x2="{WIDTH - RIGHT}" y2="{y:.1f}" stroke="#b1b4b6" stroke-dasharray="4 4"/>'
        )
        body.append(_label(LEFT - 6, y + 4, f"P{int(level * 100)}", "end"))
    path = " ".join(f"{'M' if i == 0 else 'L'}{x:.1f},{y:.1f}" for i, (x, y) in enumerate(coords))
    body.append(f'<path d="{path}" fill="none" stroke="{BAR}" stroke-width="3"/>')
    body.append(_label(LEFT, HEIGHT - BOTTOM + 16, _fmt(low, money), "start"))
    body.append(_label(WIDTH - RIGHT, HEIGHT - BOTTOM + 16, _fmt(high, money), "end"))
    body.append(_label(LEFT + plot_w / 2, HEIGHT - 6, unit))
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
    body = [
        f'<line x1="{centre:.1f}" y1="{TOP}" x2="{centre:.1f}" y2="{TOP + row_h * len(rows)}" stroke="{AXIS}"/>'
    ]
    for i, (name, value) in enumerate(rows):
        y = TOP + i * row_h
        w = abs(value) * scale
        x = centre - w if value < 0 else centre
        colour = NEGATIVE if value < 0 else BAR
        body.append(
            f'<rect x="{x:.1f}" y="{y + 3}" width="{w:.1f}" height="{row_h - 6}" fill="{colour}"/>'
        )
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
