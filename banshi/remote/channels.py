"""What the video window adds to the applications' pages (see `banshi.cases.channels`): a resident's
draft whose documents were all accepted on a finished call is sent as a video application, and its status
page shows the verdicts of that call."""

from functools import partial
from typing import Any

from banshi.accounts.models import User
from banshi.cases.channels import Route, Section
from banshi.cases.models import Application
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
