"""The kit every server-rendered SVG chart is drawn with (no JavaScript, no CDN).

Scales, tick choice and axis labels are plain functions; the elements escape every text and
attribute they are given, so a chart module never writes markup by hand. Every chart is printed
beside a table of its data, which is the accessible and exact version of the figures:
:func:`document` gives the SVG a title and a description for screen readers and, given the
table's id, points to it with ``aria-details``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.utils.html import conditional_escape, escape
from django.utils.safestring import SafeString, mark_safe

from openpmo.common.money import amount_text

# GOV.UK colours
INK = "#0b0c0c"
BLUE = "#1d70b8"
RED = "#d4351c"
GREEN = "#00703c"
ORANGE = "#f47738"
GREY = "#505a5f"
GRID = "#b1b4b6"
STRIPE = "#f3f2f1"
YELLOW = "#ffdd00"
WHITE = "#ffffff"

Number = int | float


# Scales and ticks ---------------------------------------------------------------------------


def coord(value: Number) -> str:
    """A coordinate: a whole number as it is, anything else to one decimal place."""
    return str(value) if isinstance(value, int) else f"{value:.1f}"


def nice_step(span: float) -> float:
    """A round step (1, 2, 2.5 or 5 times a power of ten, at least 1) giving about five ticks."""
    raw = span / 5 if span > 0 else 1.0
    magnitude = 10 ** (len(str(int(raw))) - 1) if raw >= 1 else 1
    for factor in (1, 2, 2.5, 5, 10):
        if magnitude * factor >= raw:
            return float(magnitude * factor)
    return float(magnitude * 10)


def axis_range(low: float, high: float) -> tuple[float, float, float]:
    """``(low, high, step)``: the range widened out to whole steps (never empty)."""
    step = nice_step(high - low)
    low = step * (low // step)
    high = step * -(-high // step) if high > low else low + step
    return low, high, step


def ticks(low: float, high: float, step: float) -> list[float]:
    """The values from ``low`` to ``high`` at every ``step`` (both ends included)."""
    return [low + index * step for index in range(int(round((high - low) / step)) + 1)]


def month_ticks(first: dt.date, last: dt.date) -> list[dt.date]:
    """First days of months between two dates: every month up to a year, then every quarter,
    half year or year, so a long schedule keeps a dozen or so labels."""
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


def label_indices(count: int, most: int) -> list[int]:
    """Which of ``count`` category labels to print so that about ``most`` show: evenly spaced,
    and always the last."""
    every = max(1, count // most)
    return [index for index in range(count) if index % every == 0 or index == count - 1]


def short_amount(value: float, unit: str) -> str:
    """An axis label: ``£1.3m``, ``£35k``, ``£750`` (rounded half up, as the core rounds money),
    or a grouped number."""
    size = abs(value)
    if unit == "£":
        if size >= 1_000_000:
            text = f"£{amount_text(size / 1_000_000, 1)}m"
        elif size >= 1_000:
            text = f"£{amount_text(size / 1_000)}k"
        else:
            text = f"£{amount_text(size)}"
    else:
        text = f"{size:,.0f}"
    return f"−{text}" if value < 0 else text


@dataclass(frozen=True)
class Scale:
    """A linear map from values ``low``–``high`` to positions ``start``–``end`` (for a vertical
    axis ``start`` is the bottom, so larger values sit higher)."""

    low: float
    high: float
    start: float
    end: float

    def __call__(self, value: float) -> float:
        span = self.high - self.low
        if not span:
            return (self.start + self.end) / 2
        share = (value - self.low) / span
        if self.start <= self.end:
            return self.start + (self.end - self.start) * share
        return self.end + (self.start - self.end) * (1 - share)


def spread(count: int, start: float, width: float) -> list[float]:
    """``count`` points from ``start`` across ``width`` (one point stands in the middle)."""
    if count == 1:
        return [start + width / 2]
    return [start + width * index / (count - 1) for index in range(count)]


def band_centres(count: int, start: float, width: float) -> list[float]:
    """The middles of ``count`` equal bands across ``width``, one a bar or a group of bars."""
    slot = width / count
    return [start + slot * (index + 0.5) for index in range(count)]


# Elements -----------------------------------------------------------------------------------


def _attribute(name: str, value: object) -> str:
    value = (
        coord(value) if isinstance(value, int | float) and not isinstance(value, bool) else value
    )
    return f' {name.rstrip("_").replace("_", "-")}="{escape(value)}"'


def element(name: str, *children: str, text: object = None, **attributes: object) -> SafeString:
    """``<name a="…">…</name>``: attributes in the order given (``stroke_width`` is written
    ``stroke-width``, ``None`` leaves one out), ``text`` escaped, ``children`` escaped unless
    they are already markup; with neither, the element closes itself."""
    attrs = "".join(
        _attribute(key, value) for key, value in attributes.items() if value is not None
    )
    inner = "".join(conditional_escape(child) for child in children)
    if text is not None:
        inner += escape(str(text))
    if not inner and text is None:
        return mark_safe(f"<{name}{attrs}/>")  # noqa: S308 (every part escaped above)
    return mark_safe(f"<{name}{attrs}>{inner}</{name}>")  # noqa: S308 (every part escaped above)


def label(
    x: Number,
    y: Number,
    text: str,
    *,
    anchor: str | None = None,
    size: int | None = None,
    fill: str | None = INK,
    **attributes: object,
) -> SafeString:
    return element(
        "text", text=text, x=x, y=y, text_anchor=anchor, font_size=size, fill=fill, **attributes
    )


def line(x1: Number, y1: Number, x2: Number, y2: Number, **attributes: object) -> SafeString:
    return element("line", x1=x1, y1=y1, x2=x2, y2=y2, **attributes)


def rect(
    x: Number, y: Number, width: Number, height: Number, *children: str, **attributes: object
) -> SafeString:
    return element("rect", *children, x=x, y=y, width=width, height=height, **attributes)


def points(xys: Iterable[tuple[float, float]]) -> str:
    """The ``points`` of a polyline: ``x,y`` pairs to one decimal place."""
    return " ".join(f"{x:.1f},{y:.1f}" for x, y in xys)


def titled(tip: str, *children: str) -> SafeString:
    """A group with a tooltip: ``<g><title>tip</title>…</g>``."""
    return element("g", element("title", text=tip), *children)


def value_grid(
    scale: Scale,
    values: Sequence[float],
    *,
    left: Number,
    right: Number,
    unit: str,
    size: int | None = None,
    fill: str | None = None,
    zero_width: float | None = None,
    width: float = 1,
) -> list[SafeString]:
    """A horizontal grid line and its label at each value (the zero line ``zero_width`` thick)."""
    parts = []
    for value in values:
        y = scale(value)
        thick = zero_width if zero_width is not None and value == 0 else width
        parts.append(line(left, y, right, y, stroke=GRID, stroke_width=thick))
        parts.append(
            label(left - 6, y + 4, short_amount(value, unit), anchor="end", size=size, fill=fill)
        )
    return parts


def category_labels(
    labels: Sequence[str],
    xs: Sequence[float],
    *,
    y: Number,
    most: int,
    size: int | None = None,
    fill: str | None = None,
) -> list[SafeString]:
    """Labels under the categories, thinned to about ``most`` (the last always shows)."""
    return [
        label(xs[index], y, labels[index], anchor="middle", size=size, fill=fill)
        for index in label_indices(len(labels), most)
    ]


def document(
    body: Iterable[str],
    *,
    chart_id: str,
    title: str,
    description: str | None,
    width: int,
    height: int,
    css_class: str | None = None,
    table_id: str | None = None,
    **attributes: object,
) -> SafeString:
    """The ``<svg>``: a picture (``role="img"``) labelled by its title and description, and, given
    ``table_id``, pointing to the table of its data."""
    labelled = (
        f"{chart_id}-title {chart_id}-desc" if description is not None else f"{chart_id}-title"
    )
    heading = [element("title", text=title, id=f"{chart_id}-title")]
    if description is not None:
        heading.append(element("desc", text=description, id=f"{chart_id}-desc"))
    return element(
        "svg",
        *heading,
        *body,
        class_=css_class,
        viewBox=f"0 0 {width} {height}",
        role="img",
        aria_labelledby=labelled,
        aria_details=table_id,
        **attributes,
    )


def empty(message: str) -> SafeString:
    """What a page shows instead of a chart with nothing to draw."""
    return element("p", text=message, class_="govuk-body")
