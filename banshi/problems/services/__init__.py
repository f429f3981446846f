from banshi.problems.services.duplicate import report_mark_duplicate
from banshi.problems.services.file import report_file
from banshi.problems.services.following import report_unfollow
from banshi.problems.services.handle import report_close, report_contact, report_note, report_sign
from banshi.problems.services.photos import (
    report_close_with_photos,
    report_file_with_photos,
    report_photo_attach_filed,
    report_photos_add,
)
from banshi.problems.services.resident import report_callback, report_follow, report_reopen
from banshi.problems.services.route import report_route, report_send_back

__all__ = [
    "report_callback",
    "report_close",
    "report_close_with_photos",
    "report_contact",
    "report_file",
    "report_file_with_photos",
    "report_follow",
    "report_mark_duplicate",
    "report_note",
    "report_photo_attach_filed",
    "report_photos_add",
    "report_reopen",
    "report_route",
    "report_send_back",
    "report_sign",
    "report_unfollow",
]
