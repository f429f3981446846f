"""A hand-computed fixture over October and November 2026 in two districts, Yuzhong (500103) and Jiangbei
(500105), written straight into the domain tables (the facts the figures count); the clock stands at
2026-12-02 10:00. Office hours are 09:00–12:00 and 13:30–17:30.

Applications (newborn bundle), each submitted at 09:00 on a Monday:
  October (12th), Yuzhong: A1–A6 online, A7 at a window; A1–A6 completed 10:00 the same day (1 working
  hour, within the promise); A7 completed on 14 October 10:00 (working hours: 12 Oct 7 h, 13 Oct 7 h, 14 Oct
  1 h = 15 h), after its deadline (13 Oct 17:30).
  November (9th), Jiangbei: B1, B2 by video, B3 online; B1 completed 09:30 (0.5 h), the others open.
  A1 has one task returned for correction on 12 October; A2 rated 5, A3 rated 2 (both in October).
Tasks (health commission): A7's task due 13 Oct 17:30, decided 14 Oct 10:00 (late); A1's task due 12 Oct
  17:30, decided 12 Oct 10:00 (on time); B3's task due 10 Nov 17:30, still claimed (late).
Video calls (Jiangbei's video window), November: C1–C6 connected on 10 Nov at 10:00, each from a number
  taken at 09:50 + i minutes before, called at 10:00 (waits 10, 9, 8, 7, 6, 5 minutes), lengths 5, 10, 15,
  20, 25, 30 minutes; C1 rated 4.
Problems: 7 reports filed on 15 October in Yuzhong (roads), 2 on 3 November in Jiangbei (water).
"""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.cache import cache

from banshi.accounts.models import User
from banshi.audit.models import Event
from banshi.cases.models import Application, Correction, Rating, Task
from banshi.catalog.models import Bundle
from banshi.conftest import PASSWORD
from banshi.directory.models import Agency, Area, Membership, Window
from banshi.remote.models import CallRating, CallSession, QueueTicket

CHINA = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 12, 2, 10, 0, tzinfo=CHINA)
YUZHONG, JIANGBEI = "500103", "500105"


def at(month: int, day: int, hour: int = 9, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=CHINA)


@pytest.fixture(autouse=True)
def _clock_and_cache():
    cache.clear()
    with time_machine.travel(NOW, tick=False):
        yield
    cache.clear()


@pytest.fixture
def supervisor(db) -> User:
    user = User.objects.create_user(username="supervisor1", password=PASSWORD, display_name="督查员")
    Membership.objects.create(user=user, role=Membership.Role.SUPERVISOR)
    return user


@pytest.fixture
def numbers(catalog) -> dict:
    bundle = Bundle.objects.get(code="newborn")
    agency = Agency.objects.get(code="health_commission")
    applicant = User.objects.create_user(username="张三丰", password="x", display_name="张三丰")
    made: dict = {}

    def application(
        name: str, *, submitted: datetime, area: str, channel: str, completed=None, deadline=None
    ):
        made[name] = Application.objects.create(
            number=f"YJ2026{len(made):06d}",
            applicant=applicant,
            submitted_by=applicant,
            bundle=bundle,
            bundle_version=bundle.current,
            values={"household.area": area + "001001", "newborn.name": "秘密"},
            status=Application.Status.COMPLETE if completed else Application.Status.IN_PROGRESS,
            channel=channel,
            submitted_at=submitted,
            deadline=deadline or submitted.replace(hour=17, minute=30),
            completed_at=completed,
        )
        return made[name]

    for i in range(1, 7):
        application(f"A{i}", submitted=at(10, 12), area=YUZHONG, channel="online", completed=at(10, 12, 10))
    application(
        "A7",
        submitted=at(10, 12),
        area=YUZHONG,
        channel="window",
        completed=at(10, 14, 10),
        deadline=at(10, 13, 17, 30),
    )
    application("B1", submitted=at(11, 9), area=JIANGBEI, channel="video", completed=at(11, 9, 9, 30))
    application("B2", submitted=at(11, 9), area=JIANGBEI, channel="video")
    application("B3", submitted=at(11, 9), area=JIANGBEI, channel="online")

    def task(app: str, *, deadline: datetime, status: str, decided=None, service="birth_medical_certificate"):
        return Task.objects.create(
            application=made[app],
            service=service,
            agency=agency,
            status=status,
            ready_at=made[app].submitted_at,
            deadline=deadline,
            decided_at=decided,
        )

    made["T1"] = task("A1", deadline=at(10, 12, 17, 30), status=Task.Status.APPROVED, decided=at(10, 12, 10))
    made["T7"] = task("A7", deadline=at(10, 13, 17, 30), status=Task.Status.APPROVED, decided=at(10, 14, 10))
    made["TB3"] = task("B3", deadline=at(11, 10, 17, 30), status=Task.Status.CLAIMED)
    Correction.objects.create(task=made["T1"], returned_at=at(10, 12, 9, 30), reason="照片不清楚", items=[])
    Rating.objects.create(application=made["A2"], level=5, created_at=at(10, 20))
    Rating.objects.create(application=made["A3"], level=2, created_at=at(10, 21))

    window = Window.objects.create(
        name="江北区视频窗口", kind=Window.Kind.VIDEO, area=Area.objects.get(code=JIANGBEI)
    )
    clerk = User.objects.create_user(username="clerk-video", password="x")
    for i in range(1, 7):
        ticket = QueueTicket.objects.create(
            window=window,
            resident=applicant,
            number=f"V{i:03d}",
            status="served",
            created_at=at(11, 10, 9, 50 + i),
            called_at=at(11, 10, 10),
        )
        call = CallSession.objects.create(
            window=window,
            clerk=clerk,
            resident=applicant,
            ticket=ticket,
            status="ended",
            created_at=at(11, 10, 10),
            connected_at=at(11, 10, 10),
            ended_at=at(11, 10, 10) + timedelta(minutes=5 * i),
        )
        made[f"C{i}"] = call
    CallRating.objects.create(session=made["C1"], level=4, created_at=at(11, 10, 11))

    def filed(report_id: int, moment: datetime, district: str, category: str) -> None:
        Event.objects.create(
            created_at=moment,
            subject_type="problems.report",
            subject_id=str(report_id),
            event_type="problem.filed",
            extra={"district": district, "category": category},
        )

    for i in range(7):
        filed(1000 + i, at(10, 15, 10), YUZHONG, "roads")
    for i in range(2):
        filed(2000 + i, at(11, 3, 10), JIANGBEI, "water")
    return made
