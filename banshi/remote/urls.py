from django.urls import include, path

from banshi.remote.views import call, console, resident, stats

app_name = "remote"
urlpatterns = [
    path("video/", resident.remote_home, name="home"),
    path("video/windows/<int:window_id>/book/", resident.remote_book, name="book"),
    path("video/windows/<int:window_id>/queue/", resident.remote_queue, name="queue"),
    path("video/windows/<int:window_id>/queue.json", resident.remote_queue_json, name="queue_json"),
    path("video/appointments/<int:appointment_id>/", resident.remote_appointment, name="appointment"),
    path("video/windows/<int:window_id>/queue/status/", resident.remote_queue_status, name="queue_status"),
    path(
        "video/appointments/<int:appointment_id>/cancel/",
        resident.remote_appointment_cancel,
        name="appointment_cancel",
    ),
    path(
        "video/appointments/<int:appointment_id>/reschedule/",
        resident.remote_appointment_reschedule,
        name="appointment_reschedule",
    ),
    path(
        "video/appointments/<int:appointment_id>/calendar.ics",
        resident.remote_appointment_ics,
        name="appointment_ics",
    ),
    path("video/tickets/<int:ticket_id>/leave/", resident.remote_ticket_leave, name="ticket_leave"),
    path("video/console/", console.remote_console, name="console"),
    path("video/console/queue/", console.remote_console_queue, name="console_queue"),
    path("video/console/call/", console.remote_call_start, name="call_start"),
    path("video/console/calls/<int:session_id>/end/", console.remote_console_end, name="console_end"),
    # The call page and what is done during a call (remote/views/call.py): `remote:call` and its sub-paths.
    path("video/calls/<int:session_id>/", include(call.urlpatterns)),
    path("video/calls/<int:session_id>/summary/", resident.remote_call_summary, name="call_summary"),
    path("video/calls/<int:session_id>/continue/", resident.remote_call_continue, name="call_continue"),
    path("video/stats/", stats.remote_stats, name="stats"),
]
