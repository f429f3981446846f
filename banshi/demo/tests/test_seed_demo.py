import io

import pytest
from django.core.management import CommandError, call_command

from banshi.accounts.models import User
from banshi.directory.models import Membership, Window
from banshi.problems.models import Category, HotlineMember, Report, RoutingRule, Unit, UnitMember
from banshi.remote.models import VideoHours

pytestmark = pytest.mark.django_db

LOGINS = """Demo logins (password: banshi-demo):
  resident           13800000000
  health_officer     health_officer
  police_officer     police_officer
  insurance_officer  insurance_officer
  hrss_officer       hrss_officer
  window_clerk       window_clerk
  supervisor         supervisor
  operator           operator
  dispatcher         dispatcher
  street_officer     street_officer
  water_officer      water_officer
  project_owner      project_owner
  deputy1            deputy1
  deputy2            deputy2
  deputy3            deputy3
  deputy4            deputy4
  deputy5            deputy5
  organiser          organiser
  moderator          moderator
  admin              admin  (/admin/)
"""


def seed() -> str:
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def test_the_demo_refuses_to_run_outside_demo_mode(settings):
    settings.DEMO = False
    with pytest.raises(CommandError, match="BANSHI_DEMO=1"):
        seed()
    assert not User.objects.exists()


def test_the_demo_creates_every_login_it_prints_and_a_second_run_changes_nothing(settings):
    settings.DEMO = True
    assert seed() == LOGINS
    users = {user.username: user for user in User.objects.all()}
    assert set(users) == {
        "13800000000",
        "health_officer",
        "police_officer",
        "insurance_officer",
        "hrss_officer",
        "window_clerk",
        "supervisor",
        "operator",
        "dispatcher",
        "street_officer",
        "water_officer",
        "project_owner",
        "deputy1",
        "deputy2",
        "deputy3",
        "deputy4",
        "deputy5",
        "organiser",
        "moderator",
        "admin",
    }
    assert all(user.check_password("banshi-demo") for user in users.values())
    assert users["admin"].is_superuser and not users["supervisor"].is_staff
    assert users["13800000000"].phone == "13800000000"
    roles = set(Membership.objects.values_list("user__username", "role", "agency__code", "window__kind"))
    assert roles == {
        ("health_officer", "officer", "health_commission", None),
        ("police_officer", "officer", "public_security", None),
        ("insurance_officer", "officer", "medical_insurance", None),
        ("hrss_officer", "officer", "hrss", None),
        ("window_clerk", "clerk", None, Window.Kind.PHYSICAL),
        ("window_clerk", "clerk", None, Window.Kind.VIDEO),
        ("supervisor", "supervisor", None, None),
    }
    video = Window.objects.get(kind=Window.Kind.VIDEO)
    assert VideoHours.objects.filter(window=video, capacity=2, slot_minutes=15).count() == 10
    assert set(HotlineMember.objects.values_list("user__username", "role")) == {
        ("operator", "operator"),
        ("dispatcher", "dispatcher"),
    }
    assert set(UnitMember.objects.values_list("user__username", "unit__code")) == {
        ("street_officer", "jiefangbei"),
        ("water_officer", "cq_water"),
    }
    # Every category of the demo has a unit in each of its two districts, by rule or fallback.
    assert Category.objects.count() == 12
    assert RoutingRule.objects.filter(category__isnull=True).count() == 2
    reports = Report.objects.order_by("id")
    assert [(r.channel, r.unit.code, r.reporter.username) for r in reports] == [
        ("web", "jiefangbei", "13800000000"),
        ("phone", "cq_water", "13800000000"),
        ("web", "jiefangbei", "13800000000"),
    ]
    unhappy = reports.last()
    assert unhappy.private and unhappy.status == Report.Status.CALLED_BACK
    assert unhappy.callbacks.get().satisfaction == "dissatisfied"

    counts = (
        User.objects.count(),
        Membership.objects.count(),
        Window.objects.count(),
        VideoHours.objects.count(),
        Unit.objects.count(),
        RoutingRule.objects.count(),
        Report.objects.count(),
    )
    assert seed() == LOGINS
    assert (
        User.objects.count(),
        Membership.objects.count(),
        Window.objects.count(),
        VideoHours.objects.count(),
        Unit.objects.count(),
        RoutingRule.objects.count(),
        Report.objects.count(),
    ) == counts
