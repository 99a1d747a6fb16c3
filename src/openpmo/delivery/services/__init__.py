"""Every write to schedules, the programme calendar and the interdependency register.

Each function checks the actor's permission, validates (the engine schedules the result, so a
cycle or an impossible link is refused before anything is saved), saves and writes the audit
record in one transaction: a refusal (``PermissionDenied``, ``ValidationError``,
``ConflictError``) changes nothing. Updates take ``expected_version`` so that two people saving
the same record at once cannot silently overwrite each other.

The package re-exports what the single module offered, so every import of it still works.
"""

from openpmo.delivery.services._common import (  # noqa: F401
    _bump,
    _check_programme_schedules,
    _programme_of,
    _refuse,
    _verify,
    _verify_alone,
)
from openpmo.delivery.services.calendars import (  # noqa: F401
    calendar_ensure,
    calendar_exception_add,
    calendar_exception_remove,
    calendar_save,
    calendar_update,
    schedule_calendar_apply,
)
from openpmo.delivery.services.interdependencies import (  # noqa: F401
    _programme_of_dependency,
    interdependency_create,
    interdependency_delete,
    interdependency_update,
)
from openpmo.delivery.services.mspdi_import import (  # noqa: F401
    _unique_links,
    schedule_import_mspdi,
)
from openpmo.delivery.services.schedules import (  # noqa: F401
    milestone_achieve,
    schedule_ensure,
    schedule_link_create,
    schedule_link_delete,
    schedule_task_create,
    schedule_task_delete,
    schedule_task_update,
    schedule_update,
)
