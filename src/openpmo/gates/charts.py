"""Server-rendered SVG charts of the gates (no JavaScript). Each page shows the data table too."""

from __future__ import annotations

from decimal import Decimal

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from openpmo.common.money import money_text

BAR_HEIGHT = 28
GAP = 10
LABEL_WIDTH = 230
BAR_WIDTH = 420
VALUE_WIDTH = 170


def _money(amount: Decimal) -> str:
    return money_text(amount)


def pipeline_bars(pipeline: object) -> SafeString:
    """One bar a gate: the money its open requests ask for, labelled with their number."""
    queues = list(getattr(pipeline, "queues", []))
    if not queues:
        return mark_safe("")  # noqa: S308 (constant)
    largest = max((q.requested_total for q in queues), default=Decimal(0)) or Decimal(1)
    height = len(queues) * (BAR_HEIGHT + GAP) + GAP
    width = LABEL_WIDTH + BAR_WIDTH + VALUE_WIDTH
    rows = []
    for index, queue in enumerate(queues):
        y = GAP + index * (BAR_HEIGHT + GAP)
        length = int(BAR_WIDTH * queue.requested_total / largest) if queue.requested_total else 0
        rows.append(
            (
                y + BAR_HEIGHT * 0.65,
                queue.gate.name,
                LABEL_WIDTH,
                y,
                max(length, 1 if queue.count else 0),
                BAR_HEIGHT,
                LABEL_WIDTH + length + 8,
                y + BAR_HEIGHT * 0.65,
                f"{_money(queue.requested_total)} ({queue.count} waiting)",
            )
        )
    body = format_html_join(
        "",
        '<text x="0" y="{}" class="openpmo-chart__label">{}</text>'
        '<rect x="{}" y="{}" width="{}" height="{}" fill="#1d70b8"></rect>'
        '<text x="{}" y="{}" class="openpmo-chart__value">{}</text>',
        rows,
    )
    return format_html(
        '<svg role="img" aria-labelledby="pipeline-chart-title" viewBox="0 0 {} {}" '
        'width="100%" style="max-width:{}px" font-family="arial, sans-serif" font-size="15">'
        '<title id="pipeline-chart-title">Money requested by requests waiting at each gate '
        "(the table below gives the figures)</title>{}</svg>",
        width,
        height,
        width,
        body,
    )
