"""The outreach app's demo data, called by `manage.py seed_demo`: each part's own seed."""

from __future__ import annotations

from typing import TYPE_CHECKING

from banshi.outreach import demo_videos

if TYPE_CHECKING:
    from banshi.accounts.models import User


def seed(*, users: dict[str, User]) -> None:
    demo_videos.seed(users=users)
