"""Server-rendered SVG charts of the gates (no JavaScript). Each page shows the data table too."""

from __future__ import annotations

from decimal import Decimal

from django.utils.safestring import SafeString, mark_safe

from openpmo.common import charts as svg
from openpmo.common.money import money_text

BAR_HEIGHT = 28
GAP = 10
LABEL_WIDTH = 230
BAR_WIDTH = 420
VALUE_WIDTH = 170


def pipeline_bars(pipeline: object) -> SafeString:
    """One bar a gate: the money its open requests ask for, labelled with their number."""
    queues = list(getattr(pipeline, "queues", []))
    if not queues:
        return mark_safe("")  # noqa: S308 (constant)
    largest = max((q.requested_total for q in queues), default=Decimal(0)) or Decimal(1)
    height = len(queues) * (BAR_HEIGHT + GAP) + GAP
    width = LABEL_WIDTH + BAR_WIDTH + VALUE_WIDTH
    body = []
    for index, queue in enumerate(queues):
        y = GAP + index * (BAR_HEIGHT + GAP)
        baseline = y + BAR_HEIGHT * 0.65
        length = int(BAR_WIDTH * queue.requested_total / largest) if queue.requested_total else 0
        body += [
            svg.label(0, baseline, queue.gate.name, fill=None, class_="openpmo-chart__label"),
            svg.rect(
                LABEL_WIDTH, y, max(length, 1 if queue.count else 0), BAR_HEIGHT, fill=svg.BLUE
            ),
            svg.label(
                LABEL_WIDTH + length + 8,
                baseline,
                f"{money_text(queue.requested_total)} ({queue.count} waiting)",
                fill=None,
                class_="openpmo-chart__value",
            ),
        ]
    return svg.document(
        body,
        chart_id="pipeline-chart",
        title="Money requested by requests waiting at each gate (the table below gives the figures)",
        description=None,
        width=width,
        height=height,
        width_="100%",
        style=f"max-width:{width}px",
        font_family="arial, sans-serif",
        font_size=15,
    )
