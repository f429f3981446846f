"""Background work of notifications, run by `manage.py db_worker`. Thin: ids in, a service call."""

from django_tasks import task

from banshi.notify.services import notification_deliver


@task()
def deliver_notification(notification_id: int) -> list[str]:
    return notification_deliver(notification_id=notification_id)
