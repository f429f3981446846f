"""The demo's physical window and the demo staff's roles. Called by `manage.py seed_demo`
(banshi.demo) with the demo users, after the directory is loaded; running it again changes nothing."""

from collections.abc import Mapping
from typing import Any

from banshi.directory.models import Agency, Area, Membership, Window

AREA_CODE = "500103"
WINDOW_NAME = "渝中区政务服务中心综合窗口"
# username, role, agency code
ROLES = [
    ("health_officer", Membership.Role.OFFICER, "health_commission"),
    ("police_officer", Membership.Role.OFFICER, "public_security"),
    ("insurance_officer", Membership.Role.OFFICER, "medical_insurance"),
    ("hrss_officer", Membership.Role.OFFICER, "hrss"),
    ("window_clerk", Membership.Role.CLERK, None),
    ("supervisor", Membership.Role.SUPERVISOR, None),
]


def seed(*, users: Mapping[str, Any]) -> None:
    area = Area.objects.get(code=AREA_CODE)
    window, _ = Window.objects.get_or_create(
        name=WINDOW_NAME, defaults={"area": area, "address": "重庆市渝中区"}
    )
    for username, role, agency_code in ROLES:
        agency = Agency.objects.get(code=agency_code) if agency_code else None
        Membership.objects.get_or_create(
            user=users[username],
            role=role,
            agency=agency,
            window=window if role == Membership.Role.CLERK else None,
        )
