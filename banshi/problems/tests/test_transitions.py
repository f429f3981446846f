from datetime import timedelta

import pytest

from banshi.audit.models import Event
from banshi.lib.errors import Conflict, FieldErrors, NotFound
from banshi.notify.models import Notification
from banshi.problems.events import MOVED_TO, EventType
from banshi.problems.models import Callback, Closure, Contact, Note, Report
from banshi.problems.services import (
    report_callback,
    report_close,
    report_contact,
    report_note,
    report_reopen,
    report_sign,
)
from banshi.problems.tests.conftest import file_web

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("monday_morning")]
S = Report.Status


def moves(report):
    return list(
        Event.objects.filter(subject_type="problems.report", subject_id=str(report.pk))
        .exclude(old_state="", new_state="")
        .order_by("id")
        .values_list("event_type", "old_state", "new_state")
    )


def handled(world, report):
    report_sign(actor=world.street_officer, report_id=report.pk)
    report_contact(actor=world.street_officer, report_id=report.pk, kind="phone", note="约好明天到现场")
    return report_close(actor=world.street_officer, report_id=report.pk, text="已修补路面")


def test_every_state_has_a_row_in_the_transition_table_and_every_move_an_event():
    assert set(Report.TRANSITIONS) == set(S)
    targets = set().union(*Report.TRANSITIONS.values())
    assert targets <= set(MOVED_TO)
    assert Report.TRANSITIONS[S.DUPLICATE] == set()


def test_a_report_is_signed_contacted_closed_and_called_back_each_step_audited(world, monday_morning):
    report = file_web(world)
    report_sign(actor=world.street_officer, report_id=report.pk)
    monday_morning.shift(timedelta(hours=1))
    contact = report_contact(actor=world.street_officer, report_id=report.pk, kind="visit")
    report_note(actor=world.street_officer, report_id=report.pk, text="已派人处理", public=True)
    closure = report_close(actor=world.street_officer, report_id=report.pk, text="已修补路面")
    callback = report_callback(
        actor=world.resident, report_id=report.pk, solved=True, satisfaction="satisfied"
    )
    report.refresh_from_db()
    assert report.status == S.CALLED_BACK
    assert report.contacted_at == contact.created_at and report.closed_at == closure.created_at
    assert (callback.by, callback.closure) == (Callback.By.RESIDENT, closure)
    assert moves(report) == [
        (EventType.REPORT_FILED, "", "new"),
        (EventType.REPORT_DISPATCHED, "new", "dispatched"),
        (EventType.REPORT_SIGNED, "dispatched", "signed"),
        (EventType.REPORT_CONTACTED, "signed", "contacted"),
        (EventType.REPORT_CLOSED, "contacted", "closed"),
        (EventType.REPORT_CALLED_BACK, "closed", "called_back"),
    ]
    assert Event.objects.filter(event_type=EventType.REPORT_NOTE_ADDED, actor=world.street_officer).exists()
    # The resident reads the receipt, the public note and the closing; no event carries their phone.
    titles = list(
        Notification.objects.filter(user=world.resident).order_by("id").values_list("title", flat=True)
    )
    assert titles == [
        f"Report {report.number}: received",
        f"Report {report.number}: an update",
        f"Report {report.number}: closed",
    ]
    assert not Event.objects.filter(extra__icontains="13800000001").exists()


def test_a_report_cannot_be_closed_before_the_first_contact(world):
    report = file_web(world)
    report_sign(actor=world.street_officer, report_id=report.pk)
    with pytest.raises(Conflict):
        report_close(actor=world.street_officer, report_id=report.pk, text="已处理")
    report.refresh_from_db()
    assert report.status == S.SIGNED and not Closure.objects.exists()


def test_a_report_must_be_signed_for_before_the_contact(world):
    report = file_web(world)
    with pytest.raises(Conflict):
        report_contact(actor=world.street_officer, report_id=report.pk, kind="phone")
    assert not Contact.objects.exists()


def test_another_units_officer_and_the_resident_cannot_handle_the_report(world):
    report = file_web(world)
    for outsider in (world.water_officer, world.resident, world.dispatcher):
        with pytest.raises(NotFound):
            report_sign(actor=outsider, report_id=report.pk)
    report.refresh_from_db()
    assert report.status == S.DISPATCHED and report.signed_at is None


def test_the_resident_cannot_close_their_own_report(world):
    report = file_web(world)
    with pytest.raises(NotFound):
        report_close(actor=world.resident, report_id=report.pk, text="好了")


def test_an_internal_note_reaches_no_resident_and_the_coordinator_may_add_one(world):
    report = file_web(world)
    note = report_note(
        actor=world.street_officer, report_id=report.pk, text="需区住建委配合", public="internal"
    )
    assert note.public is False and note.unit == world.street_office
    assert Notification.objects.filter(user=world.resident).count() == 1  # the receipt only
    with pytest.raises(NotFound):
        report_note(actor=world.water_officer, report_id=report.pk, text="看看", public=False)
    assert Note.objects.count() == 1


def test_a_note_must_say_whether_it_is_public(world):
    report = file_web(world)
    with pytest.raises(FieldErrors) as problem:
        report_note(actor=world.street_officer, report_id=report.pk, text="进展", public="maybe")
    assert set(problem.value.errors) == {"public"}
    assert not Note.objects.exists()


def test_a_callback_is_refused_on_a_report_that_is_not_closed(world):
    report = file_web(world)
    with pytest.raises(Conflict):
        report_callback(actor=world.resident, report_id=report.pk, solved=True, satisfaction="satisfied")
    assert not Callback.objects.exists()


def test_a_report_is_called_back_once_per_closing(world):
    report = file_web(world)
    handled(world, report)
    report_callback(actor=world.resident, report_id=report.pk, solved=True, satisfaction="satisfied")
    with pytest.raises(Conflict):
        report_callback(
            actor=world.dispatcher, report_id=report.pk, solved=False, satisfaction="dissatisfied"
        )
    assert Callback.objects.count() == 1


def test_staff_record_a_phone_callback_and_a_stranger_cannot(world):
    report = file_web(world)
    handled(world, report)
    with pytest.raises(NotFound):
        report_callback(
            actor=world.other_resident, report_id=report.pk, solved=True, satisfaction="satisfied"
        )
    callback = report_callback(
        actor=world.operator, report_id=report.pk, solved=False, satisfaction="fairly_satisfied"
    )
    assert callback.by == Callback.By.STAFF_PHONE


def test_a_callback_names_each_bad_answer(world):
    report = file_web(world)
    handled(world, report)
    with pytest.raises(FieldErrors) as problem:
        report_callback(actor=world.resident, report_id=report.pk, solved="yes", satisfaction="happy")
    assert set(problem.value.errors) == {"solved", "satisfaction"}
    report.refresh_from_db()
    assert report.status == S.CLOSED


def test_a_reopened_report_goes_back_to_its_unit_with_new_time_limits(world, monday_morning):
    report = file_web(world)
    handled(world, report)
    monday_morning.shift(timedelta(days=29))
    report_reopen(actor=world.resident, report_id=report.pk, reason="坑又出现了")
    report.refresh_from_db()
    assert report.status == S.REOPENED and report.unit == world.street_office
    assert report.reopen_count == 1 and report.closed_at is None and report.contacted_at is None
    assert report.closing_due > report.filed_at + timedelta(days=29)
    report_sign(actor=world.street_officer, report_id=report.pk)
    report_contact(actor=world.street_officer, report_id=report.pk, kind="message")
    report_close(actor=world.street_officer, report_id=report.pk, text="重新修补")
    first, second = Closure.objects.filter(report=report).order_by("id")
    # The reopened closing never counts as solved; the new one may.
    assert first.reopened_at is not None and second.reopened_at is None
    assert (EventType.REPORT_REOPENED, "closed", "reopened") in moves(report)


def test_a_report_cannot_be_reopened_after_thirty_days(world, monday_morning):
    report = file_web(world)
    handled(world, report)
    monday_morning.shift(timedelta(days=30, seconds=1))
    with pytest.raises(Conflict, match="30 days"):
        report_reopen(actor=world.resident, report_id=report.pk, reason="还是坏的")
    report.refresh_from_db()
    assert report.status == S.CLOSED and report.reopen_count == 0


def test_a_called_back_report_can_be_reopened_but_an_open_one_cannot(world):
    report = file_web(world)
    with pytest.raises(Conflict):
        report_reopen(actor=world.resident, report_id=report.pk, reason="还没修")
    handled(world, report)
    report_callback(actor=world.resident, report_id=report.pk, solved=False, satisfaction="dissatisfied")
    report_reopen(actor=world.resident, report_id=report.pk, reason="没修好")
    report.refresh_from_db()
    assert report.status == S.REOPENED and report.called_back_at is None


def test_another_resident_cannot_reopen_a_report(world):
    report = file_web(world)
    handled(world, report)
    with pytest.raises(NotFound):
        report_reopen(actor=world.other_resident, report_id=report.pk, reason="不对")


def test_a_caller_without_an_account_is_texted_the_reference_number_and_the_closing(world, sms_outbox):
    from banshi.conftest import run_queued_texts
    from banshi.problems.services import report_file

    report = report_file(
        actor=world.operator,
        channel=Report.Channel.PHONE,
        category="roads",
        description="路面塌陷",
        district="500103",
        reporter_phone="13700000003",
    )
    run_queued_texts()
    assert sms_outbox == [
        ("13700000003", f"Report {report.number}: received\nKeep this reference number to follow the report.")
    ]
    handled(world, report)
    run_queued_texts()
    assert len(sms_outbox) == 2 and sms_outbox[1][1].startswith(f"Report {report.number}: closed\n已修补路面")
    assert not Notification.objects.exists()
