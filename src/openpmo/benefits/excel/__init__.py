"""Excel: export the register, the profiles and the tracker; import benefits and actuals.

Exports hold real numbers and dates with number formats (not text), so a finance officer can add
them up. Imports run every row through the same services as the pages and report each wrong row
by sheet, row and field; if any row is wrong, nothing is saved.

The package re-exports what the single module offered, so every import of it still works."""

from openpmo.benefits.excel._common import (  # noqa: F401
    _REQUIRED,
    ACTUAL_COLUMNS,
    DATE_FORMAT,
    MAX_ROWS,
    MONTH_FORMAT,
    PERCENT_FORMAT,
    POUNDS_FORMAT,
    REGISTER_COLUMNS,
    VALUE_FORMAT,
    _header,
    _save,
    _value_format,
    _widths,
)
from openpmo.benefits.excel.exports import (  # noqa: F401
    _group_sheet,
    profiles_workbook,
    register_workbook,
    tracker_workbook,
)
from openpmo.benefits.excel.imports import (  # noqa: F401
    ImportResult,
    RowError,
    _choice,
    _date,
    _month,
    _number,
    _open,
    _rows,
    _run,
    _text,
    import_actuals,
    import_benefits,
)
