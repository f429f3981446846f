import pytest

from banshi.audit.models import Event
from banshi.problems.events import EventType
from banshi.problems.models import Category, RoutingRule, Tier

pytestmark = pytest.mark.django_db
ENGLISH = {"accept-language": "en"}


def test_an_administrator_adds_a_category_and_it_is_audited(admin_client, admin_user):
    tier = Tier.objects.get(code="general")
    response = admin_client.post(
        "/admin/problems/category/add/",
        {
            "code": "trees",
            "name_zh": "树木",
            "name_en": "Trees",
            "tier": tier.pk,
            "active": "on",
            "position": 3,
        },
        headers=ENGLISH,
    )
    assert response.status_code == 302
    category = Category.objects.get(code="trees")
    event = Event.objects.get(event_type=EventType.REFERENCE_SAVED)
    assert (event.actor, event.subject_type, event.subject_id) == (
        admin_user,
        "problems.category",
        str(category.pk),
    )
    assert event.extra["created"] is True and "tier" in event.extra["changed"]


def test_an_administrator_changes_a_tiers_limit_and_deletes_a_rule_audited(admin_client, world):
    tier = Tier.objects.get(code="utilities")
    response = admin_client.post(
        f"/admin/problems/tier/{tier.pk}/change/",
        {
            "code": "utilities",
            "name_zh": tier.name_zh,
            "name_en": tier.name_en,
            "clock": "working",
            "first_contact_hours": 12,
            "closing_hours": 24,
            "position": tier.position,
        },
        headers=ENGLISH,
    )
    assert response.status_code == 302
    tier.refresh_from_db()
    assert tier.first_contact_hours == 12
    assert Event.objects.get(event_type=EventType.REFERENCE_SAVED).extra == {
        "created": False,
        "changed": ["first_contact_hours"],
    }
    rule = RoutingRule.objects.get(category=world.water)
    response = admin_client.post(f"/admin/problems/routingrule/{rule.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not RoutingRule.objects.filter(pk=rule.pk).exists()
    assert Event.objects.filter(event_type=EventType.REFERENCE_DELETED, subject_id=str(rule.pk)).exists()


def test_a_zero_time_limit_is_refused_by_the_admin_form_and_nothing_changes(admin_client):
    tier = Tier.objects.get(code="general")
    response = admin_client.post(
        f"/admin/problems/tier/{tier.pk}/change/",
        {
            "code": "general",
            "name_zh": tier.name_zh,
            "name_en": tier.name_en,
            "clock": "working",
            "first_contact_hours": 0,
            "closing_hours": 168,
            "position": 0,
        },
        headers=ENGLISH,
    )
    assert response.status_code == 200
    tier.refresh_from_db()
    assert tier.first_contact_hours == 168
    assert not Event.objects.exists()


def test_the_admin_lists_render(admin_client, world):
    for model in ("tier", "category", "unit", "unitmember", "hotlinemember", "routingrule"):
        assert admin_client.get(f"/admin/problems/{model}/", headers=ENGLISH).status_code == 200
    assert admin_client.get(f"/admin/problems/unit/{world.street_office.pk}/change/").status_code == 200
