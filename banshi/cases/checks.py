"""Start-up checks of cases (Django system checks: `manage.py check`, and every command that runs the
checks, such as migrate, runserver and db_worker)."""

from collections.abc import Sequence
from typing import Any

from django.apps import AppConfig
from django.conf import settings
from django.core.checks import Error
from django.db import router
from django.utils.module_loading import import_string


def tasks_backend_check(app_configs: Sequence[AppConfig] | None = None, **kwargs: Any) -> list[Error]:
    """Automatic decisions are queued inside the transaction that makes a task ready (see
    `flow.schedule_automatic_decision`): a rollback queues nothing, and a commit cannot lose the job.
    That holds only for the database backend of django-tasks writing to the same database as cases;
    with a broker, a rolled-back change would still be decided and a queued job could run before the
    task it decides is committed."""
    from django_tasks_db.backend import DatabaseBackend
    from django_tasks_db.models import DBTaskResult

    from banshi.cases.models import Task
    from banshi.cases.tasks import decide_automatically

    alias = decide_automatically.backend
    path = getattr(settings, "TASKS", {}).get(alias, {}).get("BACKEND", "")
    try:
        backend = import_string(path) if path else None
    except ImportError:
        backend = None
    if not (isinstance(backend, type) and issubclass(backend, DatabaseBackend)):
        return [
            Error(
                f"TASKS[{alias!r}] must use django_tasks_db.DatabaseBackend, not {path or 'nothing'!r}.",
                hint="Automatic decisions are queued inside the transaction of the change that makes a "
                "task ready; only the database-backed queue keeps them in step with it.",
                obj="banshi.cases.tasks",
                id="cases.E001",
            )
        ]
    queue_db, cases_db = router.db_for_write(DBTaskResult), router.db_for_write(Task)
    if queue_db != cases_db:
        return [
            Error(
                f"The task queue writes to the database {queue_db!r}, cases to {cases_db!r}.",
                hint="Automatic decisions are queued inside cases' transactions: route django_tasks_db's "
                "models to the database cases use (the default one).",
                obj="banshi.cases.tasks",
                id="cases.E002",
            )
        ]
    return []
