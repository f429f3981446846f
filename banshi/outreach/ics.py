"""Calendar feeds (.ics) of lectures, written with `icalendar`: one per programme and one per area."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils import timezone
from icalendar import Calendar, Event, vGeo

from banshi.outreach.models import Lecture


def lectures_calendar(*, name: str, lectures: Iterable[Lecture], base_url: str, host: str) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//Banshi//outreach lectures//ZH")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", "Asia/Shanghai")
    now = timezone.now()
    for lecture in lectures:
        event = Event()
        event.add("uid", f"lecture-{lecture.pk}@{host}")
        event.add("dtstamp", now)
        event.add("dtstart", lecture.starts_at)
        event.add("dtend", lecture.ends_at)
        event.add("summary", lecture.topic)
        event.add("location", f"{lecture.venue_name}, {lecture.area.name}, {lecture.address}")
        event.add("description", f"{lecture.programme.name} · {lecture.speaker.name}")
        event.add("url", f"{base_url}/outreach/lectures/{lecture.pk}/")
        event.add("status", "CANCELLED" if lecture.status == Lecture.Status.CANCELLED else "CONFIRMED")
        if lecture.latitude is not None and lecture.longitude is not None:
            event.add("geo", vGeo((float(lecture.latitude), float(lecture.longitude))))
        calendar.add_component(event)
    return calendar.to_ical()
