"""The migration that gave appointments their window and day fills them for the bookings made before
it, and turns an earlier booking of the same day that ended without a call into a missed one."""

from datetime import date, datetime, timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from banshi.audit.models import Event
from banshi.remote.models import Appointment
from banshi.remote.tests.fixtures import local, video_window_with_hours

BEFORE = ("remote", "0001_initial")
AFTER = ("remote", "0004_appointment_one_booking_per_day")


@pytest.mark.django_db(transaction=True)
def test_bookings_made_before_get_their_window_and_local_day(catalog, resident, other_resident):
    window = video_window_with_hours("渝中区视频窗口")
    executor = MigrationExecutor(connection)
    try:
        executor.migrate([BEFORE])
        old = executor.loader.project_state([BEFORE]).apps
        Slot, OldAppointment = old.get_model("remote", "Slot"), old.get_model("remote", "Appointment")

        def booking(resident, starts: datetime, status: str = "booked") -> int:
            slot, _ = Slot.objects.get_or_create(
                window_id=window.pk,
                starts_at=starts,
                defaults={"ends_at": starts + timedelta(minutes=15), "capacity": 2},
            )
            return OldAppointment.objects.create(
                slot=slot, resident_id=resident.pk, status=status, created_at=timezone.now()
            ).pk

        # 07:30 in Chongqing is 23:30 UTC the day before: the day is the local one.
        early = booking(resident, local(2026, 11, 30, 7, 30))
        later_that_day = booking(resident, local(2026, 11, 30, 15))
        cancelled = booking(resident, local(2026, 11, 30, 16), status="cancelled")
        other = booking(other_resident, local(2026, 11, 30, 9))
        executor.loader.build_graph()
        executor.migrate([AFTER])
    finally:
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())
    rows = {a.pk: a for a in Appointment.objects.all()}
    assert {(a.window_id, a.day) for a in rows.values()} == {(window.pk, date(2026, 11, 30))}
    assert rows[early].status == Appointment.Status.MISSED
    assert rows[later_that_day].status == Appointment.Status.BOOKED
    assert rows[cancelled].status == Appointment.Status.CANCELLED
    assert rows[other].status == Appointment.Status.BOOKED
    event = Event.objects.get(event_type="appointment.missed")
    assert (event.subject_id, event.old_state, event.new_state) == (str(early), "booked", "missed")
