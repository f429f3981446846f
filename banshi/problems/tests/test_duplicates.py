import pytest

from banshi.audit.models import Event
from banshi.lib.errors import Conflict, FieldErrors, NotFound
from banshi.problems.events import EventType
from banshi.problems.models import Follower, Report
from banshi.problems.selectors import outcome_of
from banshi.problems.services import (
    report_close,
    report_contact,
    report_follow,
    report_mark_duplicate,
    report_sign,
)
from banshi.problems.tests.conftest import file_web

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("monday_morning")]


def second_report(world, reporter):
    from banshi.problems.services import report_file

    return report_file(
        actor=reporter,
        channel=Report.Channel.WEB,
        category="roads",
        description="步行街有坑",
        district="500103",
        address="解放碑步行街",
    )


def test_a_duplicate_follows_the_originals_outcome_and_counts_once(world):
    original = file_web(world)
    duplicate = second_report(world, world.other_resident)
    report_mark_duplicate(actor=world.street_officer, report_id=duplicate.pk, original_id=original.pk)
    duplicate.refresh_from_db()
    assert duplicate.status == Report.Status.DUPLICATE and duplicate.duplicate_of == original
    assert Follower.objects.filter(report=original, user=world.other_resident).exists()
    report_sign(actor=world.street_officer, report_id=original.pk)
    report_contact(actor=world.street_officer, report_id=original.pk, kind="phone")
    report_close(actor=world.street_officer, report_id=original.pk, text="已修补")
    duplicate.refresh_from_db()
    assert outcome_of(duplicate).status == Report.Status.CLOSED
    # Counted once: one report that is not a duplicate, one closing.
    assert Report.objects.exclude(status=Report.Status.DUPLICATE).count() == 1
    assert Event.objects.filter(event_type=EventType.REPORT_CLOSED).count() == 1
    event = Event.objects.get(event_type=EventType.REPORT_MARKED_DUPLICATE)
    assert event.extra == {"original": original.number}


def test_a_duplicate_of_a_duplicate_points_at_the_first_original_and_brings_its_duplicates(world):
    original = file_web(world)
    middle = second_report(world, world.other_resident)
    third = file_web(world)
    report_mark_duplicate(actor=world.street_officer, report_id=third.pk, original_id=middle.pk)
    report_mark_duplicate(actor=world.street_officer, report_id=middle.pk, original_id=original.pk)
    third.refresh_from_db()
    assert third.duplicate_of == original
    fourth = file_web(world)
    report_mark_duplicate(actor=world.dispatcher, report_id=fourth.pk, original_id=third.pk)
    fourth.refresh_from_db()
    assert fourth.duplicate_of == original


def test_a_report_is_not_its_own_duplicate_and_the_original_must_exist(world):
    report = file_web(world)
    for bad in (report.pk, 999_999, "1", None):
        with pytest.raises(FieldErrors) as problem:
            report_mark_duplicate(actor=world.street_officer, report_id=report.pk, original_id=bad)
        assert set(problem.value.errors) == {"original"}
    report.refresh_from_db()
    assert report.status == Report.Status.DISPATCHED and report.duplicate_of is None


def test_a_closed_report_is_not_marked_a_duplicate_and_an_outsider_marks_nothing(world):
    original, report = file_web(world), file_web(world)
    with pytest.raises(NotFound):
        report_mark_duplicate(actor=world.water_officer, report_id=report.pk, original_id=original.pk)
    report_sign(actor=world.street_officer, report_id=report.pk)
    report_contact(actor=world.street_officer, report_id=report.pk, kind="phone")
    report_close(actor=world.street_officer, report_id=report.pk, text="已修补")
    with pytest.raises(Conflict):
        report_mark_duplicate(actor=world.street_officer, report_id=report.pk, original_id=original.pk)
    assert not Report.objects.filter(status=Report.Status.DUPLICATE).exists()


def test_following_a_report_twice_follows_it_once_and_a_duplicate_leads_to_its_original(world):
    original = file_web(world)
    duplicate = second_report(world, world.other_resident)
    report_mark_duplicate(actor=world.street_officer, report_id=duplicate.pk, original_id=original.pk)
    neighbour = world.water_officer
    first = report_follow(actor=neighbour, report_id=duplicate.pk)
    again = report_follow(actor=neighbour, report_id=original.pk)
    assert first == again and first.report == original
    assert Event.objects.filter(event_type=EventType.REPORT_FOLLOWED).count() == 1


def test_a_private_report_cannot_be_followed_by_others(world):
    report = file_web(world, private=True)
    with pytest.raises(NotFound):
        report_follow(actor=world.other_resident, report_id=report.pk)
    assert not Follower.objects.exists()
