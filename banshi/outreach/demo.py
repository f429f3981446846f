"""The outreach app's demo data, called by `manage.py seed_demo` (banshi.demo) with the demo users:
the lecture programmes (`demo_lectures`) and the story-video campaign (`demo_videos`)."""

from collections.abc import Mapping
from typing import Any

from banshi.outreach import demo_lectures


def seed(*, users: Mapping[str, Any]) -> None:
    demo_lectures.seed(users=users)
