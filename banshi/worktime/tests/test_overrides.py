from datetime import date

import pytest

from banshi.audit.models import Event
from banshi.lib.errors import FieldErrors
from banshi.worktime.models import CalendarOverride
from banshi.worktime.services import calendar_override_delete, calendar_override_set

pytestmark = pytest.mark.django_db

ADD_URL = "/admin/worktime/calendaroverride/add/"
ENGLISH = {"accept-language": "en"}


def override_events(event_type):
    return Event.objects.filter(subject_type="worktime.calendaroverride", event_type=event_type)


def test_an_administrator_enters_a_holiday_and_it_is_audited(admin_user):
    override = calendar_override_set(actor=admin_user, day=date(2027, 1, 1), kind="holiday", name="元旦")
    assert (override.date, override.kind, override.name) == (date(2027, 1, 1), "holiday", "元旦")
    event = override_events("calendar.override_set").get()
    assert (event.actor, event.subject_id, event.extra["date"]) == (
        admin_user,
        str(override.pk),
        "2027-01-01",
    )


def test_entering_the_same_day_again_only_renames_it(admin_user):
    calendar_override_set(actor=admin_user, day=date(2027, 1, 1), kind="holiday")
    calendar_override_set(actor=admin_user, day=date(2027, 1, 1), kind="holiday", name="New Year")
    assert list(CalendarOverride.objects.values_list("kind", "name")) == [("holiday", "New Year")]
    assert override_events("calendar.override_set").count() == 1


def test_a_day_cannot_be_both_a_holiday_and_a_working_day(admin_user):
    calendar_override_set(actor=admin_user, day=date(2027, 2, 7), kind="holiday", name="春节")
    with pytest.raises(FieldErrors) as refused:
        calendar_override_set(actor=admin_user, day=date(2027, 2, 7), kind="workday", name="调休")
    assert refused.value.errors == {
        "date": "2027-02-07 is already entered as a holiday (no office hours); "
        "a day cannot be both a holiday and a working day. Change or delete that entry first."
    }
    assert list(CalendarOverride.objects.values_list("kind", "name")) == [("holiday", "春节")]
    assert override_events("calendar.override_set").count() == 1


def test_nonsense_is_refused_and_nothing_is_written(admin_user):
    with pytest.raises(FieldErrors) as refused:
        calendar_override_set(actor=admin_user, day="2027-01-01", kind="half-day", name="x" * 61)
    assert set(refused.value.errors) == {"date", "kind", "name"}
    assert not CalendarOverride.objects.exists()
    assert not override_events("calendar.override_set").exists()


def test_deleting_an_override_is_audited(admin_user):
    calendar_override_set(actor=admin_user, day=date(2027, 1, 1), kind="holiday")
    calendar_override_delete(actor=admin_user, day=date(2027, 1, 1))
    assert not CalendarOverride.objects.exists()
    assert override_events("calendar.override_deleted").get().extra["date"] == "2027-01-01"


def test_the_admin_refuses_a_working_day_on_a_holiday_with_a_clear_message(admin_client):
    response = admin_client.post(
        ADD_URL, {"date": "2027-02-07", "kind": "holiday", "name": "春节"}, headers=ENGLISH
    )
    assert response.status_code == 302
    response = admin_client.post(
        ADD_URL, {"date": "2027-02-07", "kind": "workday", "name": "调休"}, headers=ENGLISH
    )
    assert response.status_code == 200
    assert "a day cannot be both a holiday and a working day" in response.content.decode()
    assert list(CalendarOverride.objects.values_list("kind", flat=True)) == ["holiday"]
    assert override_events("calendar.override_set").count() == 1


def test_the_admin_refuses_the_same_day_twice(admin_client):
    admin_client.post(ADD_URL, {"date": "2027-01-01", "kind": "holiday"}, headers=ENGLISH)
    response = admin_client.post(ADD_URL, {"date": "2027-01-01", "kind": "holiday"}, headers=ENGLISH)
    assert response.status_code == 200
    assert "2027-01-01 is already entered as a holiday" in response.content.decode()
    assert CalendarOverride.objects.count() == 1


def test_the_admin_may_change_an_entry_from_holiday_to_working_day(admin_client):
    override = CalendarOverride.objects.create(date=date(2027, 2, 7), kind="holiday")
    response = admin_client.post(
        f"/admin/worktime/calendaroverride/{override.pk}/change/", {"date": "2027-02-07", "kind": "workday"}
    )
    assert response.status_code == 302
    override.refresh_from_db()
    assert override.kind == "workday"
    assert override_events("calendar.override_changed").count() == 1
