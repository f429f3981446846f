"""Automatic decisions are queued inside cases' transactions, so the start-up checks refuse a task
backend that is not the database queue on cases' own database."""

from banshi.cases.checks import tasks_backend_check


class QueueElsewhere:
    def db_for_write(self, model, **hints):
        return "queue" if model._meta.app_label == "django_tasks_database" else None


def test_the_shipped_settings_pass():
    assert tasks_backend_check() == []


def test_a_broker_or_an_immediate_backend_is_refused(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    (error,) = tasks_backend_check()
    assert error.id == "cases.E001"
    assert "django_tasks_db.DatabaseBackend" in error.msg and "ImmediateBackend" in error.msg


def test_a_backend_that_cannot_be_imported_is_refused(settings):
    settings.TASKS = {"default": {"BACKEND": "somewhere.Broker"}}
    assert [error.id for error in tasks_backend_check()] == ["cases.E001"]


def test_the_queue_on_another_database_is_refused(settings):
    settings.DATABASE_ROUTERS = [f"{__name__}.QueueElsewhere"]
    (error,) = tasks_backend_check()
    assert error.id == "cases.E002" and "'queue'" in error.msg
