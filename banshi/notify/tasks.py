"""Background work of notifications, run by `manage.py db_worker`. Thin: ids in, a service call."""

from django_tasks import task


@task()
def deliver_notification(notification_id: int) -> list[str]:
    from banshi.notify.services import notification_deliver

    return notification_deliver(notification_id=notification_id)
