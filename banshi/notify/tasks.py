"""Background work of notifications, run by `manage.py db_worker`. Thin: ids (or a sealed text) in, a
service call."""

from django_tasks import task

from banshi.notify.services import notification_deliver, sms_deliver


@task()
def deliver_notification(notification_id: int) -> list[str]:
    return notification_deliver(notification_id=notification_id)


@task()
def deliver_sms(sealed: str, attempt: int = 1) -> str:
    """A text queued by `sms_send`. It takes the sealed message rather than an id: the code in it is
    kept nowhere else."""
    return sms_deliver(sealed=sealed, attempt=attempt)
