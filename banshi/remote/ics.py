"""An appointment as an iCalendar file (RFC 5545), written with the icalendar package."""

from datetime import UTC, datetime

from icalendar import Calendar, Event


def event_calendar(
    *,
    uid: str,
    starts_at: datetime,
    ends_at: datetime,
    summary: str,
    location: str,
    description: str = "",
    url: str = "",
    cancelled: bool = False,
    stamp: datetime,
) -> str:
    """One event in a calendar of its own; times in UTC, so that any calendar shows them right."""
    calendar = Calendar()
    calendar.add("version", "2.0")
    calendar.add("prodid", "-//Banshi//Video window//EN")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", stamp.astimezone(UTC))
    event.add("dtstart", starts_at.astimezone(UTC))
    event.add("dtend", ends_at.astimezone(UTC))
    event.add("summary", summary)
    event.add("location", location)
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    if description:
        event.add("description", description)
    if url:
        event.add("url", url)
    calendar.add_component(event)
    return calendar.to_ical().decode()
