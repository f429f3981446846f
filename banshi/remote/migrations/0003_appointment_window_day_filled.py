"""Each appointment gets its slot's window and local day, before the database keeps a resident to
one booking per window and day.

Before, a resident could hold a booking that had ended without a call (still "booked": nobody joined)
and book again at the same window later that day. Such an earlier booking is what the call's end
would have made it, "missed", with the audit event it would have had, so that the constraint holds."""

from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import migrations
from django.utils import timezone


def copy_window_and_day(apps: Any, schema_editor: Any) -> None:
    Appointment = apps.get_model("remote", "Appointment")
    Event = apps.get_model("audit", "Event")
    zone = ZoneInfo(settings.TIME_ZONE)
    now = timezone.now()
    appointments = Appointment.objects.select_related("slot").order_by("resident_id", "slot__starts_at", "id")
    booked: dict[tuple[int, int, Any], list[Any]] = {}
    for appointment in appointments.iterator(chunk_size=500):
        appointment.window_id = appointment.slot.window_id
        appointment.day = appointment.slot.starts_at.astimezone(zone).date()
        appointment.save(update_fields=["window", "day"])
        if appointment.status == "booked":
            key = (appointment.resident_id, appointment.window_id, appointment.day)
            booked.setdefault(key, []).append(appointment)
    for same_day in booked.values():
        # The latest stays booked; each earlier one had ended, or the old check would have refused it.
        for earlier in same_day[:-1]:
            Appointment.objects.filter(pk=earlier.pk).update(status="missed")
            Event.objects.create(
                created_at=now,
                actor=None,
                subject_type="remote.appointment",
                subject_id=str(earlier.pk),
                event_type="appointment.missed",
                old_state="booked",
                new_state="missed",
                extra={"migration": "one booking per window and day"},
            )


class Migration(migrations.Migration):
    # Apart from the fields it fills and from the constraint after it: PostgreSQL does not create an
    # index or alter a table in the transaction that has just updated the table's foreign keys.
    dependencies = [
        ("audit", "0001_initial"),
        ("remote", "0002_appointment_window_day"),
    ]

    operations = [
        migrations.RunPython(copy_window_and_day, migrations.RunPython.noop),
    ]
