"""The sections of a report, each built by one small function from the other modules' selectors.

Every builder returns a frozen, JSON-ready snapshot of one section::

    {"key": "finance", "title": "Finance", "available": True, "note": "",
     "facts": [{"label": "Budget", "value": "1200000.00", "type": "money"}],
     "tables": [{"key": ..., "caption": ..., "columns": [{"label": ..., "type": ...}],
                 "rows": [[...], ...]}],
     "charts": [{"kind": "line" | "bar" | "stacked", "title": ..., "table": <table key>,
                 "x": 0, "series": [1, 2], "unit": "£"}],
     "text": ["paragraph", ...]}

Cell types: ``text``, ``money`` (pounds as a decimal string), ``number`` (decimal string),
``int``, ``percent`` (a fraction as a decimal string: "0.125" is 12.5%), ``date`` (ISO),
``month`` ("2024-03") and ``rag``. Values are strings or ints only, so a snapshot compares and
fingerprints exactly and its money never passes through a float.

Each section module imports the selectors it reads from the other apps at its top and calls
them directly; a selector that fails, or changes under a section, fails the report (and so a
test) rather than printing "not available" in a board pack. Snapshots frozen before then may
still hold sections marked ``available: False``, and the report pages print their note."""

# isort: skip_file
# Imported in this order, the section modules register their builders in the order they had. re-exports what the single module offered, so every import of it still works.
from openpmo.reports.sections._kit import (  # noqa: F401
    AS_AT_FIELDS,
    Builder,
    CENT,
    SECTIONS,
    Scope,
    Section,
    ZERO,
    _SHARED,
    _section,
    column,
    day,
    fact,
    long_date,
    money,
    number,
    section,
    shared_reads,
    table,
)
from openpmo.reports.sections.status import (  # noqa: F401
    _CONFIDENCE_ORDER,
    _RAG_SCORE,
    _weighted,
    prefill,
    programme_section,
    status_section,
)
from openpmo.reports.sections.milestones import (  # noqa: F401
    _STAGES,
    _achieved_as_at,
    _milestone_state,
    _register_milestones,
    milestones_section,
)
from openpmo.reports.sections.finance import (  # noqa: F401
    _MONEY_COLUMNS,
    _money_cells,
    _money_flags,
    finance_section,
    reserve_section,
    team_cost_section,
)
from openpmo.reports.sections.benefits import (  # noqa: F401
    ATTENTION,
    _month,
    benefits_section,
)
from openpmo.reports.sections.decisions import (  # noqa: F401
    decisions_section,
)
from openpmo.reports.sections.risks import (  # noqa: F401
    TOP,
    risks_section,
)
from openpmo.reports.sections.dependencies import (  # noqa: F401
    dependencies_section,
)
from openpmo.reports.sections.board import (  # noqa: F401
    _REPORTED,
    _months_back,
    _reported,
    pillar_summaries_section,
    rag_trend_section,
)
