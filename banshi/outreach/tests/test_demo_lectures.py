"""The demo's lecture programmes: Yubei's two, with past lectures closed with attendance and lectures
to come, organised by the demo `organiser`; seeding again changes nothing."""

import time_machine

from banshi.accounts import demo as accounts_demo
from banshi.audit.models import Event
from banshi.outreach import demo as outreach_demo
from banshi.outreach.models import CheckIn, Lecture, Organiser, Programme, Quota, Rating, Speaker
from banshi.outreach.selectors_lectures import programme_numbers
from banshi.outreach.tests.lectures_world import china


def counts() -> tuple[int, ...]:
    return tuple(
        model.objects.count()
        for model in (Programme, Speaker, Quota, Lecture, CheckIn, Rating, Organiser, Event)
    )


def test_the_demo_seeds_yubeis_two_programmes_once(db):
    with time_machine.travel(china(2026, 12, 2, 10), tick=False):
        users = accounts_demo.seed()
        outreach_demo.seed(users=users)
        seeded = counts()
        outreach_demo.seed(users=users)
        assert counts() == seeded
        now = china(2026, 12, 2, 10)
    five, hall = Programme.objects.order_by("id")
    assert (five.name, hall.name) == ("五老回家讲党史", "铜锣山下小讲堂")
    assert five.unit.area.code == "500112"
    assert set(five.speakers.values_list("kind", flat=True)) == set(Speaker.Kind.values)
    assert hall.quotas.get().minimum == 2 and hall.quotas.get().kind == Quota.Kind.LECTURES_PER_MONTH
    for programme in (five, hall):
        assert programme.lectures.filter(status=Lecture.Status.CLOSED, starts_at__lt=now).exists()
        assert programme.lectures.filter(status=Lecture.Status.SCHEDULED, starts_at__gt=now).exists()
        assert programme_numbers(programme=programme).attendance > 0
    assert Organiser.objects.get().user.username == "organiser"
    assert Rating.objects.get().user.username == accounts_demo.RESIDENT_PHONE
