"""The background task that runs a simulation (django-tasks). Imported only when a task backend
is configured (see ``services.simulation_run_start``); the worker (``manage.py db_worker``) finds
it by this module path."""

from __future__ import annotations

from django_tasks import task

from openpmo.risks.services import simulation_run_execute


@task()
def run_simulation(run_id: int) -> str:
    return simulation_run_execute(run_id).status
