"""The background task that renders a report's PDF (django-tasks). Imported only when a task
backend is configured (see ``services.report_pdf_request``); the worker (``manage.py db_worker``)
finds it by this module path."""

from __future__ import annotations

from django_tasks import task

from openpmo.reports.services import report_pdf_render


@task()
def render_pdf(pdf_id: int) -> str:
    return report_pdf_render(pdf_id).status
