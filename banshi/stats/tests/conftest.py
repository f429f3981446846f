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

The livelihood projects' register, rounds and verdicts are described in `test_projects`, the lectures and
the story videos in `test_outreach`.
"""

from datetime import date, datetime, timedelta
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
from banshi.outreach.models import (
    Campaign,
    CampaignClass,
    CheckIn,
    Lecture,
    OrganiserUnit,
    Programme,
    Quota,
    Speaker,
    StoryVideo,
)
from banshi.polls.models import Ballot, Response, Roll, RollMember, Survey, VoterMark
from banshi.projects.models import Indicator, Milestone, Project, Round, Verdict
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


# --- livelihood projects ---------------------------------------------------------------------------------


@pytest.fixture
def register(catalog):
    def project(name, level, status, area, start, end):
        return Project.objects.create(
            name=name,
            level=level,
            status=status,
            area=Area.objects.get(code=area),
            year=start.year,
            start_date=start,
            end_date=end,
        )

    made = {}
    road = project("道路改造", "district", "in_progress", YUZHONG, date(2026, 1, 1), date(2026, 12, 31))
    lifts = project("加装电梯", "community", "completed", YUZHONG, date(2025, 3, 1), date(2025, 12, 31))
    lamps = project("路灯", "street", "planned", JIANGBEI, date(2026, 6, 1), date(2026, 12, 31))
    project("新提议", "city", "proposed", JIANGBEI, date(2026, 1, 1), date(2026, 12, 31))
    Milestone.objects.create(project=road, title="一期", due=date(2026, 10, 10), done_at=at(10, 10, 16))
    Milestone.objects.create(project=road, title="二期", due=date(2026, 11, 20), done_at=at(11, 21, 9))
    Milestone.objects.create(project=lamps, title="招标", due=date(2026, 11, 5))
    made.update(road=road, lifts=lifts, lamps=lamps)
    return made


@pytest.fixture
def indicators(register):
    def indicator(project, code, name, unit, target, actual):
        Indicator.objects.create(
            project=project, code=code, name=name, unit=unit, target=target, actual=actual
        )

    indicator(register["road"], "households", "服务户数", "户", 400, 300)
    indicator(register["road"], "road", "道路", "公里", "2.00", "1.50")
    indicator(register["lamps"], "households", "服务户数", "户", 600, 100)
    indicator(register["lifts"], "households", "服务户数", "户", 50, 50)
    parent = Project.objects.create(
        name="城市总项目",
        level="city",
        status="in_progress",
        area=Area.objects.get(code=YUZHONG),
        year=2026,
        start_date=date(2026, 1, 1),
        end_date=date(2026, 12, 31),
    )
    Project.objects.filter(pk__in=[register["road"].pk, register["lamps"].pk]).update(parent=parent)
    indicator(parent, "households", "服务户数", "户", 1000, 400)


def _people(prefix: str, count: int) -> list[User]:
    return [User.objects.create_user(username=f"{prefix}{i}", password="x") for i in range(count)]


@pytest.fixture
def rounds(register):
    residents = _people("resident", 6)
    deputies = _people("deputy", 7)

    def round_(title, area, closes, *, responses, roll, voted, closed_at=None):
        survey = Survey.objects.create(
            subject_type="projects.round",
            subject_id=title,
            title=title,
            opens_at=closes - timedelta(days=20),
            closes_at=closes - timedelta(days=10),
            created_at=closes - timedelta(days=30),
        )
        for person in residents[:responses]:
            Response.objects.create(survey=survey, respondent=person, submitted_at=survey.opens_at)
        listed = Roll.objects.create(name=title, created_at=survey.created_at)
        for person in deputies[:roll]:
            RollMember.objects.create(roll=listed, user=person)
        ballot = Ballot.objects.create(
            subject_type="projects.round",
            subject_id=title,
            title=title,
            places=1,
            roll=listed,
            opens_at=closes - timedelta(days=5),
            closes_at=closes,
            closed_at=closed_at,
            created_at=survey.created_at,
        )
        for person in deputies[:voted]:
            VoterMark.objects.create(ballot=ballot, voter=person)
        return Round.objects.create(
            title=title,
            level="district",
            area=Area.objects.get(code=area),
            year=2027,
            places=1,
            phase="closed",
            proposals_close_at=survey.created_at,
            survey_opens_at=survey.opens_at,
            survey_closes_at=survey.closes_at,
            vote_opens_at=ballot.opens_at,
            vote_closes_at=closes,
            survey=survey,
            ballot=ballot,
            created_at=survey.created_at,
            updated_at=closes,
        )

    round_("渝中区点单", YUZHONG, at(11, 10, 17), responses=6, roll=7, voted=6)
    round_("江北区点单", JIANGBEI, at(10, 20, 17), responses=2, roll=3, voted=2, closed_at=at(10, 3, 12))
    round_("下一轮", YUZHONG, at(12, 10, 17), responses=1, roll=2, voted=1)


@pytest.fixture
def verdicts(register):
    people = _people("rater", 8)

    def verdict(project, person, rated_as, rating, moment):
        Verdict.objects.create(
            project=project, rater=person, rated_as=rated_as, rating=rating, created_at=moment
        )

    for person in people[:3]:
        verdict(register["lifts"], person, "resident", "satisfied", at(11, 12))
    for person in people[3:5]:
        verdict(register["lifts"], person, "resident", "fairly_satisfied", at(11, 13))
    verdict(register["lifts"], people[5], "deputy", "dissatisfied", at(11, 14))
    verdict(register["lamps"], people[6], "deputy", "abstain", at(11, 15))
    verdict(register["road"], people[7], "resident", "satisfied", at(10, 15))


# --- outreach --------------------------------------------------------------------------------------------


@pytest.fixture
def lectures(catalog):
    phones = iter(f"1390000{i:04d}" for i in range(100))

    def programme(name, area, starts, minimum):
        unit = OrganiserUnit.objects.create(name=f"{name}宣讲团", area=Area.objects.get(code=area))
        made = Programme.objects.create(
            unit=unit, name=name, venue_kinds=["school", "village"], starts_on=starts, created_at=at(9, 1)
        )
        Quota.objects.create(programme=made, kind=Quota.Kind.LECTURES_PER_MONTH, minimum=minimum)
        Speaker.objects.create(programme=made, name="老李", kind="teacher", home_unit="育才中学")
        return made

    def lecture(owner, moment, kind, venue, area, status, *, checkins=0, walk_ins=0):
        made = Lecture.objects.create(
            programme=owner,
            speaker=owner.speakers.get(),
            topic="宣讲",
            starts_at=moment,
            ends_at=moment.replace(hour=moment.hour + 1),
            venue_kind=kind,
            venue_name=venue,
            area=Area.objects.get(code=area),
            address="某路1号",
            capacity=100,
            status=status,
            walk_ins=walk_ins,
            created_at=at(9, 1),
        )
        for _ in range(checkins):
            CheckIn.objects.create(lecture=made, phone=next(phones), method="sms", created_at=moment)

    yuzhong = programme("渝中", YUZHONG, date(2026, 9, 1), 2)
    Quota.objects.create(programme=yuzhong, kind=Quota.Kind.EACH_VENUE_KIND_PER_QUARTER, minimum=2)
    jiangbei = programme("江北", JIANGBEI, date(2026, 11, 1), 1)
    lecture(yuzhong, at(10, 10, 14), "school", "育才中学", YUZHONG, "closed", checkins=3, walk_ins=4)
    lecture(yuzhong, at(10, 20, 14), "school", "育才中学", YUZHONG, "closed", checkins=2)
    lecture(yuzhong, at(10, 25, 14), "community", "大坪社区", YUZHONG, "cancelled")
    lecture(yuzhong, at(11, 5, 14), "village", "某村", YUZHONG, "held", checkins=1, walk_ins=10)
    lecture(yuzhong, at(12, 10, 14), "school", "育才中学", YUZHONG, "scheduled")
    lecture(jiangbei, at(11, 12, 14), "company", "长安汽车", JIANGBEI, "closed", checkins=5)
    return {"yuzhong": str(yuzhong.pk), "jiangbei": str(jiangbei.pk)}


@pytest.fixture
def videos(db):
    guardian = User.objects.create_user(username="guardian", password="x")
    campaign = Campaign.objects.create(
        slug="home", name="讲好家乡故事", school="育才小学", created_at=at(9, 1)
    )
    Campaign.objects.create(slug="later", name="新活动", school="人和小学", created_at=at(12, 1))
    school_class = CampaignClass.objects.create(campaign=campaign, name="三年级2班")

    def video(status, published=None, **moves):
        made = StoryVideo.objects.create(
            campaign=campaign,
            school_class=school_class,
            given_name="明明",
            guardian=guardian,
            consent_at=at(9, 2),
            status=status,
            created_at=at(9, 2),
            updated_at=at(9, 2),
            published_at=published,
        )
        if published:
            moves["published"] = published
        for move, moment in moves.items():
            Event.objects.create(
                created_at=moment,
                subject_type="outreach.storyvideo",
                subject_id=str(made.pk),
                event_type=f"outreach.video_{move}",
            )

    # Received in September unless said; one more received at the end of November.
    video("published", at(10, 10), uploaded=at(9, 3))
    video("withdrawn", at(11, 3), uploaded=at(9, 3), withdrawn=at(11, 20))
    video("ready", uploaded=at(9, 3))
    video("rejected", uploaded=at(9, 3), rejected=at(10, 5))
    video("ready", uploaded=at(11, 28))
    video("uploading")
