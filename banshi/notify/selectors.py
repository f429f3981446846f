from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet

from banshi.notify.models import Notification

if TYPE_CHECKING:
    from banshi.accounts.models import User


def notifications_for_user(*, user: User) -> QuerySet[Notification]:
    """The user's own notifications, newest first (the `notify_user_recent` index)."""
    return Notification.objects.filter(user=user).order_by("-created_at", "-id")


def notification_for_user(*, user: User, notification_id: int) -> Notification | None:
    return Notification.objects.filter(user=user, pk=notification_id).first()


def unread_notification_count(*, user: User) -> int:
    """One COUNT over the `notify_user_unread` partial index: it runs on every page a user sees."""
    return Notification.objects.filter(user=user, read_at__isnull=True).count()
