"""What the video window adds to the applications' pages (see `banshi.cases.channels`): a resident's
draft whose documents were all accepted on a finished call is sent as a video application, its status
page shows the verdicts of that call, and the documents of an application shared on a call are kept
until that call's application is sent."""

from functools import partial
from typing import Any

from banshi.accounts.models import User
from banshi.cases.channels import Route, Section
from banshi.cases.models import Application, Upload
from banshi.remote.models import CallSession
from banshi.remote.selectors import prereview_for_application, prereviewed_call
from banshi.remote.services.submit import application_submit_after_call


def video_route(
    *, user: User, bundle_code: str, answers: dict[str, Any], materials: dict[str, Any]
) -> Route | None:
    session = prereviewed_call(user=user, bundle_code=bundle_code, answers=answers, materials=materials)
    if session is None:
        return None
    return Route(
        submit=partial(application_submit_after_call, session_id=session.pk),
        template="remote/_apply_video.html",
        context={"video_call": session},
    )


def prereview_section(application: Application) -> Section | None:
    prereview = prereview_for_application(application=application)
    if prereview is None:
        return None
    return Section(template="remote/_application_prereview.html", data=prereview)


def uploads_in_shared_drafts(uploads: list[Upload]) -> set[int]:
    """Of these uploads, those a call's shared application holds while no application came of the call:
    the resident may still send it as a video application."""
    wanted = {upload.pk for upload in uploads}
    drafts = CallSession.objects.filter(
        resident_id__in={upload.owner_id for upload in uploads}, application__isnull=True
    ).values_list("draft", flat=True)
    kept: set[int] = set()
    for draft in drafts.iterator():
        materials = draft.get("materials") if isinstance(draft, dict) else None
        if isinstance(materials, dict):
            kept |= {upload_id for upload_id in materials.values() if upload_id in wanted}
    return kept
