"""The demo's video window. Called by `manage.py seed_demo` (banshi.demo) with the demo users, after
directory.demo; running it again changes nothing."""

from collections.abc import Mapping
from datetime import time
from typing import Any

from banshi.directory.demo import AREA_CODE
from banshi.directory.models import Area, Membership, Window
from banshi.remote.models import VideoHours


def seed(*, users: Mapping[str, Any]) -> None:
    """A video window open Monday to Friday, 09:00–12:00 and 13:30–17:30, in 15-minute slots of two
    places; the demo window clerk serves at it too."""
    window, _ = Window.objects.get_or_create(
        name="渝中区政务服务中心视频窗口",
        defaults={
            "area": Area.objects.get(code=AREA_CODE),
            "address": "重庆市渝中区",
            "kind": Window.Kind.VIDEO,
        },
    )
    if not VideoHours.objects.filter(window=window).exists():
        VideoHours.objects.bulk_create(
            VideoHours(
                window=window, weekday=weekday, opens=opens, closes=closes, slot_minutes=15, capacity=2
            )
            for weekday in range(5)
            for opens, closes in ((time(9), time(12)), (time(13, 30), time(17, 30)))
        )
    Membership.objects.get_or_create(user=users["window_clerk"], role=Membership.Role.CLERK, window=window)
