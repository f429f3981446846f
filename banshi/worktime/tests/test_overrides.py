from datetime import date

import pytest

from banshi.audit.models import Event
from banshi.lib.errors import FieldErrors
from banshi.worktime.models import CalendarOverride
from banshi.worktime.services import calendar_override_change, calendar_override_delete, calendar_override_set

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


def test_renaming_an_entry_is_audited_with_the_old_name(admin_user):
    calendar_override_set(actor=admin_user, day=date(2027, 1, 1), kind="holiday", name="元旦")
    calendar_override_set(actor=admin_user, day=date(2027, 1, 1), kind="holiday", name="New Year")
    calendar_override_set(actor=admin_user, day=date(2027, 1, 1), kind="holiday", name="New Year")
    event = override_events("calendar.override_changed").get()
    assert (event.actor, event.old_state, event.new_state) == (admin_user, "holiday", "holiday")
    assert event.extra == {"date": "2027-01-01", "name": "New Year", "was": {"name": "元旦"}}


def test_changing_an_entry_is_audited_with_what_it_was(admin_user):
    override = calendar_override_set(actor=admin_user, day=date(2027, 2, 7), kind="holiday", name="春节")
    calendar_override_change(
        actor=admin_user, override_id=override.pk, day=date(2027, 2, 8), kind="workday", name="调休"
    )
    assert list(CalendarOverride.objects.values_list("date", "kind", "name")) == [
        (date(2027, 2, 8), "workday", "调休")
    ]
    event = override_events("calendar.override_changed").get()
    assert (event.old_state, event.new_state) == ("holiday", "workday")
    assert event.extra == {
        "date": "2027-02-08",
        "name": "调休",
        "was": {"date": "2027-02-07", "kind": "holiday", "name": "春节"},
    }


def test_changing_an_entry_to_a_day_another_has_is_refused_and_nothing_is_written(admin_user):
    calendar_override_set(actor=admin_user, day=date(2027, 2, 7), kind="holiday")
    other = calendar_override_set(actor=admin_user, day=date(2027, 2, 8), kind="holiday")
    with pytest.raises(FieldErrors) as refused:
        calendar_override_change(actor=admin_user, override_id=other.pk, day=date(2027, 2, 7), kind="holiday")
    assert "2027-02-07 is already entered as a holiday" in refused.value.errors["date"]
    assert sorted(CalendarOverride.objects.values_list("date", flat=True)) == [
        date(2027, 2, 7),
        date(2027, 2, 8),
    ]
    assert not override_events("calendar.override_changed").exists()


def test_saving_an_entry_unchanged_writes_no_event(admin_user):
    override = calendar_override_set(actor=admin_user, day=date(2027, 1, 1), kind="holiday", name="元旦")
    calendar_override_change(
        actor=admin_user, override_id=override.pk, day=date(2027, 1, 1), kind="holiday", name="元旦"
    )
    assert not override_events("calendar.override_changed").exists()


def test_the_admin_enters_renames_and_deletes_through_the_audited_services(admin_client, admin_user):
    assert (
        admin_client.post(ADD_URL, {"date": "2027-10-01", "kind": "holiday", "name": "国庆"}).status_code
        == 302
    )
    override = CalendarOverride.objects.get()
    assert override_events("calendar.override_set").get().actor == admin_user
    change = f"/admin/worktime/calendaroverride/{override.pk}/change/"
    assert (
        admin_client.post(
            change, {"date": "2027-10-01", "kind": "holiday", "name": "National Day"}
        ).status_code
        == 302
    )
    assert override_events("calendar.override_changed").get().extra["was"] == {"name": "国庆"}
    delete = f"/admin/worktime/calendaroverride/{override.pk}/delete/"
    assert admin_client.post(delete, {"post": "yes"}).status_code == 302
    assert not CalendarOverride.objects.exists()
    assert override_events("calendar.override_deleted").get().extra == {
        "date": "2027-10-01",
        "name": "National Day",
    }


def test_the_admin_deleting_several_entries_audits_each(admin_client, admin_user):
    for day in (date(2027, 10, 1), date(2027, 10, 2)):
        calendar_override_set(actor=admin_user, day=day, kind="holiday")
    response = admin_client.post(
        "/admin/worktime/calendaroverride/",
        {
            "action": "delete_selected",
            "_selected_action": list(CalendarOverride.objects.values_list("pk", flat=True)),
            "post": "yes",
        },
    )
    assert response.status_code == 302
    assert not CalendarOverride.objects.exists()
    assert sorted(override_events("calendar.override_deleted").values_list("extra__date", flat=True)) == [
        "2027-10-01",
        "2027-10-02",
    ]
