from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING

from django.http import HttpRequest

from banshi.notify.selectors import unread_notification_count

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from banshi.accounts.models import User


class Inbox:
    """What the header shows of a user's notifications. The count runs only when a template shows it, at
    most once a request, and never for an anonymous visitor."""

    def __init__(self, user: User | AnonymousUser | None) -> None:
        self._user = user

    @cached_property
    def unread(self) -> int:
        if self._user is None or not self._user.is_authenticated:
            return 0
        return unread_notification_count(user=self._user)


def inbox(request: HttpRequest) -> dict[str, Inbox]:
    return {"notify_inbox": Inbox(getattr(request, "user", None))}
