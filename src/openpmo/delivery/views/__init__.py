"""Pages of the delivery app: the programme schedule (Gantt chart, table, critical path, the
slippage form, whose page is ``openpmo.impact``'s), each work package's schedule, the calendar
and the interdependency register. Each write goes through ``services``; errors come back to the
form (with the GOV.UK error summary) and nothing is saved.

The package re-exports what the single module offered, so every import of it still works."""

from openpmo.delivery.views._common import (  # noqa: F401
    FORM,
    _add_errors,
    _long,
    _programme,
    _require_schedule_editor,
    _save_form,
    _work_package,
    _wp_url,
    _xml_download,
)
from openpmo.delivery.views.calendars import (  # noqa: F401
    _calendar_context,
    calendar,
    calendar_exception_add,
    calendar_exception_remove,
    work_package_calendar,
)
from openpmo.delivery.views.interdependencies import (  # noqa: F401
    interdependency_create,
    interdependency_detail,
    interdependency_edit,
    interdependency_list,
)
from openpmo.delivery.views.programme import (  # noqa: F401
    GANTT_PAGE_ROWS,
    SummaryRow,
    _page_number,
    _programme_gantt,
    _summary_gantt,
    _summary_rows,
    home,
    programme_export,
)
from openpmo.delivery.views.schedule import (  # noqa: F401
    GANTT_ROWS,
    ROWS_PER_PAGE,
    _page_query,
    _work_package_gantt,
    schedule_export,
    schedule_import,
    schedule_start_edit,
    work_package_schedule,
)
from openpmo.delivery.views.tasks import (  # noqa: F401
    link_create,
    link_delete,
    milestone_achieved,
    task_create,
    task_delete,
    task_edit,
)
