"""A small world of lecture programmes for the tests: a Yubei unit with an organiser and a programme
of the six kinds of venue with a speaker of each of the five kinds; another unit's organiser who must
see nothing of it; two residents; a supervisor."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.core.management import call_command

from banshi.accounts.models import User
from banshi.directory.models import Area, Membership
from banshi.outreach.models import Lecture, Organiser, OrganiserUnit, Programme, Speaker, VenueKind
from banshi.outreach.services import lectures as services

CHINA = ZoneInfo("Asia/Shanghai")
YUBEI = "500112"
COMMUNITY = "500112002001"  # 双龙湖街道 五星路社区
PASSWORD = "a password"


def china(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=CHINA)


@dataclass
class LectureWorld:
    unit: OrganiserUnit
    organiser: User
    other_organiser: User
    resident: User
    other_resident: User
    supervisor: User
    programme: Programme
    speakers: dict[str, Speaker]
    speaker_user: User

    def schedule(
        self, *, starts_at: datetime, speaker: str = "teacher", now: datetime | None = None, **values: Any
    ) -> Lecture:
        fields: dict[str, Any] = {
            "topic": "讲给孩子听的党史",
            "venue_kind": VenueKind.SCHOOL,
            "venue_name": "实验小学报告厅",
            "area_code": COMMUNITY,
            "address": "龙昌街 1 号",
            "capacity": 50,
            "latitude": "29.718000",
            "longitude": "106.631000",
        }
        fields.update(values)
        return services.lecture_schedule(
            actor=self.organiser,
            programme=self.programme,
            speaker_id=self.speakers[speaker].pk,
            starts_at=starts_at,
            ends_at=fields.pop("ends_at", starts_at + timedelta(hours=1, minutes=30)),
            now=now or starts_at - timedelta(days=7),
            **fields,
        )


def _user(username: str, phone: str | None = None) -> User:
    return User.objects.create_user(
        username=username, phone=phone, password=PASSWORD, display_name=f"{username}名"
    )


def build_lecture_world() -> LectureWorld:
    if not Area.objects.filter(code=COMMUNITY).exists():
        # A transactional test before this one flushed the directory the session loaded.
        call_command("load_directory", verbosity=0, stdout=io.StringIO())
    yubei = Area.objects.get(code=YUBEI)
    unit = OrganiserUnit.objects.create(name="渝北区宣讲团", area=yubei)
    other_unit = OrganiserUnit.objects.create(name="渝中区宣讲团", area=Area.objects.get(code="500103"))
    organiser = _user("organiser")
    Organiser.objects.create(user=organiser, unit=unit)
    other_organiser = _user("other_organiser")
    Organiser.objects.create(user=other_organiser, unit=other_unit)
    supervisor = _user("supervisor")
    Membership.objects.create(user=supervisor, role=Membership.Role.SUPERVISOR)
    programme = services.programme_create(
        actor=organiser,
        unit=unit,
        name="五老回家讲党史",
        venue_kinds=VenueKind.values,
        starts_on=china(2026, 1, 1).date(),
        now=china(2026, 1, 1, 9),
    )
    speaker_user = _user("speaker_teacher", phone="13900000009")
    speakers = {
        kind.value: services.speaker_add(
            actor=organiser,
            programme=programme,
            name=f"{kind.label[:2]}讲师",
            kind=kind,
            home_unit="渝北区",
            user=speaker_user if kind == Speaker.Kind.TEACHER else None,
        )
        for kind in Speaker.Kind
    }
    return LectureWorld(
        unit=unit,
        organiser=organiser,
        other_organiser=other_organiser,
        resident=_user("resident", phone="13800000001"),
        other_resident=_user("other_resident", phone="13800000002"),
        supervisor=supervisor,
        programme=programme,
        speakers=speakers,
        speaker_user=speaker_user,
    )
