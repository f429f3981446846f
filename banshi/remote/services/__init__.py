from banshi.remote.services.booking import appointment_book, appointment_cancel, appointment_reschedule
from banshi.remote.services.calls import (
    call_capture_attach,
    call_chat_post,
    call_connected,
    call_draft_share,
    call_end,
    call_interrupted,
    call_media_connected,
    call_rate,
    call_start,
    call_touch,
    prereview_record,
)
from banshi.remote.services.queue import ticket_leave, ticket_take
from banshi.remote.services.submit import application_submit_after_call

__all__ = [
    "application_submit_after_call",
    "appointment_book",
    "appointment_cancel",
    "appointment_reschedule",
    "call_capture_attach",
    "call_chat_post",
    "call_connected",
    "call_draft_share",
    "call_end",
    "call_interrupted",
    "call_media_connected",
    "call_rate",
    "call_start",
    "call_touch",
    "prereview_record",
    "ticket_leave",
    "ticket_take",
]
