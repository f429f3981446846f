"""Each state of the transition table reached through the services, and from each the duplicate mark
(allowed from every open state) and the dangerous moves that must be refused."""

import pytest

from banshi.lib.errors import Conflict
from banshi.problems.models import Report
from banshi.problems.services import (
    report_callback,
    report_close,
    report_contact,
    report_mark_duplicate,
    report_reopen,
    report_route,
    report_send_back,
    report_sign,
)
from banshi.problems.tests.conftest import file_web

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("monday_morning")]
S = Report.Status


def reach(world, state):
    if state == S.NEW:
        return file_web(world, category="noise", district=None, address="两路口")
    report = file_web(world)
    officer = world.street_officer
    steps = {
        S.DISPATCHED: [],
        S.SENT_BACK: [lambda: report_send_back(actor=officer, report_id=report.pk, reason="不在辖区")],
        S.SIGNED: [lambda: report_sign(actor=officer, report_id=report.pk)],
        S.CONTACTED: [
            lambda: report_sign(actor=officer, report_id=report.pk),
            lambda: report_contact(actor=officer, report_id=report.pk, kind="phone"),
        ],
    }
    closing = [*steps[S.CONTACTED], lambda: report_close(actor=officer, report_id=report.pk, text="已修补")]
    steps[S.CLOSED] = closing

    def callback():
        report_callback(actor=world.resident, report_id=report.pk, solved=False, satisfaction="dissatisfied")

    steps[S.CALLED_BACK] = [*closing, callback]
    steps[S.REOPENED] = [
        *closing,
        lambda: report_reopen(actor=world.resident, report_id=report.pk, reason="没修好"),
    ]
    for step in steps[state]:
        step()
    report.refresh_from_db()
    assert report.status == state
    return report


@pytest.mark.parametrize("state", [S.NEW, S.DISPATCHED, S.SENT_BACK, S.SIGNED, S.CONTACTED, S.REOPENED])
def test_an_open_report_in_any_state_can_be_marked_a_duplicate(world, state):
    original = file_web(world)
    report = reach(world, state)
    report_mark_duplicate(actor=world.dispatcher, report_id=report.pk, original_id=original.pk)
    report.refresh_from_db()
    assert report.status == S.DUPLICATE


@pytest.mark.parametrize("state", [S.CLOSED, S.CALLED_BACK])
def test_a_finished_report_is_not_marked_a_duplicate(world, state):
    original = file_web(world)
    report = reach(world, state)
    with pytest.raises(Conflict):
        report_mark_duplicate(actor=world.dispatcher, report_id=report.pk, original_id=original.pk)


def test_a_duplicate_is_final(world):
    original, report = file_web(world), file_web(world)
    report_mark_duplicate(actor=world.street_officer, report_id=report.pk, original_id=original.pk)
    for move in (
        lambda: report_sign(actor=world.street_officer, report_id=report.pk),
        lambda: report_send_back(actor=world.street_officer, report_id=report.pk, reason="不对"),
    ):
        with pytest.raises(Conflict):
            move()
    report.refresh_from_db()
    assert report.status == S.DUPLICATE


@pytest.mark.parametrize("state", [S.DISPATCHED, S.SIGNED, S.CONTACTED, S.REOPENED])
def test_a_report_at_its_unit_is_not_routed_again_by_the_dispatcher(world, state):
    report = reach(world, state)
    with pytest.raises(Conflict):
        report_route(actor=world.dispatcher, report_id=report.pk, unit="jiangbei_gov")
    report.refresh_from_db()
    assert report.status == state and report.unit == world.street_office


@pytest.mark.parametrize("state", [S.CONTACTED, S.CLOSED, S.CALLED_BACK])
def test_a_contacted_or_finished_report_is_not_sent_back(world, state):
    report = reach(world, state)
    with pytest.raises(Conflict):
        report_send_back(actor=world.street_officer, report_id=report.pk, reason="不在辖区")


def test_a_closed_report_is_not_closed_again_nor_signed(world):
    report = reach(world, S.CLOSED)
    with pytest.raises(Conflict):
        report_close(actor=world.street_officer, report_id=report.pk, text="再次办结")
    with pytest.raises(Conflict):
        report_sign(actor=world.street_officer, report_id=report.pk)
