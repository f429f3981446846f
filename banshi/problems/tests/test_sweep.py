import io
from datetime import timedelta

import pytest
from django.core.management import call_command

from banshi.audit.models import Event
from banshi.notify.models import Notification
from banshi.problems.events import EventType
from banshi.problems.services import report_contact, report_sign
from banshi.problems.services.sweep import problems_deadlines_sweep
from banshi.problems.tests.conftest import file_web

pytestmark = pytest.mark.django_db


def warnings_to(user):
    return list(Notification.objects.filter(user=user).order_by("id").values_list("title", flat=True))


def test_the_unit_is_warned_once_when_a_report_is_due_soon_and_once_when_it_is_late(world, monday_morning):
    report = file_web(world)  # 7 working days: first contact and closing due 16 December 10:00
    assert problems_deadlines_sweep(now=report.filed_at + timedelta(days=1)) == {
        "due_soon": 0,
        "late": 0,
        "notifications": 0,
    }
    soon = report.first_contact_due - timedelta(hours=2)
    assert problems_deadlines_sweep(now=soon)["due_soon"] == 1
    assert problems_deadlines_sweep(now=soon)["due_soon"] == 0
    late = report.first_contact_due + timedelta(minutes=1)
    assert problems_deadlines_sweep(now=late) == {"due_soon": 0, "late": 1, "notifications": 1}
    assert problems_deadlines_sweep(now=late)["late"] == 0
    titles = warnings_to(world.street_officer)
    assert len(titles) == 2 and titles[0].startswith("Due soon") and titles[1].startswith("Late")
    assert not warnings_to(world.water_officer)
    assert warnings_to(world.resident) == [f"Report {report.number}: received"]
    assert Event.objects.filter(event_type=EventType.REPORT_LATE).get().extra["which"] == "first_contact"


def test_after_the_first_contact_the_closing_deadline_is_warned_of(world, monday_morning):
    from banshi.problems.models import Tier

    Tier.objects.filter(code="general").update(first_contact_hours=24)
    report = file_web(world)
    report_sign(actor=world.street_officer, report_id=report.pk)
    problems_deadlines_sweep(now=report.first_contact_due + timedelta(minutes=1))
    report_contact(actor=world.street_officer, report_id=report.pk, kind="phone")
    out = io.StringIO()
    monday_morning.move_to(report.closing_due + timedelta(minutes=1))
    call_command("sweep_problem_deadlines", stdout=out)
    assert out.getvalue().strip() == "0 due soon, 1 late, 1 notifications"
    whiches = list(
        Event.objects.filter(event_type=EventType.REPORT_LATE).values_list("extra__which", flat=True)
    )
    assert whiches == ["first_contact", "closing"]


def test_a_closed_or_unrouted_report_is_never_warned_of(world, monday_morning):
    unrouted = file_web(world, category="noise", district=None, address="两路口")
    assert problems_deadlines_sweep(now=unrouted.closing_due + timedelta(days=1))["late"] == 0
