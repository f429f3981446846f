"""The audit event types of the video window: calls, the live queue, appointments, pre-reviews and
call ratings."""

from enum import StrEnum, unique


@unique
class EventType(StrEnum):
    """`Event.event_type` as stored: a value never changes, existing rows carry it."""

    CALL_STARTED = "call.started"
    CALL_CONNECTED = "call.connected"
    CALL_RESUMED = "call.resumed"
    CALL_INTERRUPTED = "call.interrupted"
    CALL_ENDED = "call.ended"
    CALL_DRAFT_SHARED = "call.draft_shared"
    CALL_CAPTURE_ATTACHED = "call.capture_attached"
    CALL_APPLICATION_SENT = "call.application_sent"
    PREREVIEW_RECORDED = "prereview.recorded"
    CALL_RATING_CREATED = "call_rating.created"

    TICKET_TAKEN = "ticket.taken"
    TICKET_LEFT = "ticket.left"
    TICKET_CALLED = "ticket.called"
    TICKET_SERVED = "ticket.served"
    TICKET_MISSED = "ticket.missed"

    APPOINTMENT_BOOKED = "appointment.booked"
    APPOINTMENT_CANCELLED = "appointment.cancelled"
    APPOINTMENT_RESCHEDULED = "appointment.rescheduled"
    APPOINTMENT_ATTENDED = "appointment.attended"
    APPOINTMENT_MISSED = "appointment.missed"
