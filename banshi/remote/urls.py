from django.urls import include, path

from banshi.remote import call
from banshi.remote.views import checklist, console, post, resident, stats

urlpatterns = [
    path("bundles/<slug:code>/checklist/", checklist.bundle_checklist, name="bundle_checklist"),
    path("video/", resident.remote_home, name="remote_home"),
    path("video/windows/<int:window_id>/book/", resident.remote_book, name="remote_book"),
    path("video/windows/<int:window_id>/queue/", resident.remote_queue, name="remote_queue"),
    path("video/windows/<int:window_id>/queue.json", resident.remote_queue_json, name="remote_queue_json"),
    path(
        "video/windows/<int:window_id>/queue/status/",
        resident.remote_queue_status,
        name="remote_queue_status",
    ),
    path("video/appointments/<int:appointment_id>/", resident.remote_appointment, name="remote_appointment"),
    path(
        "video/appointments/<int:appointment_id>/cancel/",
        resident.remote_appointment_cancel,
        name="remote_appointment_cancel",
    ),
    path(
        "video/appointments/<int:appointment_id>/reschedule/",
        resident.remote_appointment_reschedule,
        name="remote_appointment_reschedule",
    ),
    path(
        "video/appointments/<int:appointment_id>/calendar.ics",
        resident.remote_appointment_ics,
        name="remote_appointment_ics",
    ),
    path("video/tickets/<int:ticket_id>/leave/", resident.remote_ticket_leave, name="remote_ticket_leave"),
    path("video/console/", console.remote_console, name="remote_console"),
    path("video/console/queue/", console.remote_console_queue, name="remote_console_queue"),
    path("video/console/call/", console.remote_call_start, name="remote_call_start"),
    path("video/console/calls/<int:session_id>/end/", console.remote_console_end, name="remote_console_end"),
    # The call page and what is done during a call (banshi.remote.call): `remote_call` and its sub-paths.
    path("video/calls/<int:session_id>/", include(call.urlpatterns)),
    path("video/calls/<int:session_id>/summary/", resident.remote_call_summary, name="remote_call_summary"),
    path(
        "video/calls/<int:session_id>/continue/", resident.remote_call_continue, name="remote_call_continue"
    ),
    path("video/stats/", stats.remote_stats, name="remote_stats"),
    path(
        "video/applications/<str:number>/post/", post.remote_application_post, name="remote_application_post"
    ),
]
