"""The outreach app's demo data, called by `manage.py seed_demo` (banshi.demo) with the demo users:
the lecture programmes (`demo_lectures`) and the story-video campaign (`demo_videos`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from banshi.outreach import demo_lectures, demo_videos

if TYPE_CHECKING:
    from banshi.accounts.models import User


def seed(*, users: dict[str, User]) -> None:
    demo_lectures.seed(users=users)
    demo_videos.seed(users=users)
