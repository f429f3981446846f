"""Background work of notifications, run by `manage.py db_worker`. Thin: ids (or a sealed text) in, a
service call."""

from django_tasks import task


@task()
def deliver_notification(notification_id: int) -> list[str]:
    from banshi.notify.services import notification_deliver

    return notification_deliver(notification_id=notification_id)


@task()
def deliver_sms(sealed: str, attempt: int = 1) -> str:
    """A text queued by `sms_send`. It takes the sealed message rather than an id: the code in it is
    kept nowhere else."""
    from banshi.notify.services import sms_deliver

    return sms_deliver(sealed=sealed, attempt=attempt)
