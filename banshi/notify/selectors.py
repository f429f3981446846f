from django.db.models import QuerySet

from banshi.notify.models import Notification


def notifications_for_user(*, user) -> QuerySet[Notification]:
    """The user's own notifications, newest first (the `notify_user_recent` index)."""
    return Notification.objects.filter(user=user).order_by("-created_at", "-id")


def notification_for_user(*, user, notification_id: int) -> Notification | None:
    return Notification.objects.filter(user=user, pk=notification_id).first()


def unread_notification_count(*, user) -> int:
    """One COUNT over the `notify_user_unread` partial index: it runs on every page a user sees."""
    return Notification.objects.filter(user=user, read_at__isnull=True).count()
