"""The video call page (clerk and resident) and the small requests made during a call: the resident
shares their unfinished application, the clerk captures a still of a document from the video, records
a verdict on each document, and ends the call. Each request is one service call. The page sends them
with htmx and is answered with the HTML to swap in: the panel beside the video again, with the reasons
beside the fields of the form when a request is refused. Any other client is answered with JSON,
errors in the project's shape `{"errors": [{"field", "message"}]}`. What changed is pushed to both
sides over the call's socket (`realtime.call_changed`), and their pages fetch the panel again.

The signaling itself is in `consumers.CallConsumer`; the page's script is `static/js/call.js`."""

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.urls import NoReverseMatch, path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from banshi.accounts.http import AuthenticatedHttpRequest
from banshi.audit.models import Access
from banshi.audit.services import access_record
from banshi.cases.draft import DraftKey, draft_get
from banshi.cases.models import Upload
from banshi.cases.selectors import draft_codes_of
from banshi.cases.services.materials import upload_path
from banshi.catalog.forms import display_value
from banshi.catalog.validation import check_values
from banshi.lib.errors import Conflict, FieldErrors, NotFound
from banshi.remote import selectors, services
from banshi.remote.consumers import CLOSE_ENDED, CLOSE_FLOODED, CLOSE_REFUSED, CLOSE_REPLACED
from banshi.remote.models import CallSession, PreReview
from banshi.remote.routing import socket_path
from banshi.remote.services.calls import REJOIN_WITHIN
from banshi.ui.middleware import permissions_allow

# --- helpers ------------------------------------------------------------------------------------------


def _errors(status: int, errors: dict[str, str]) -> JsonResponse:
    return JsonResponse(
        {"errors": [{"field": field, "message": str(message)} for field, message in errors.items()]},
        status=status,
    )


# A refused request: its status and the messages by field ("" for the request as a whole).
Refusal = tuple[int, dict[str, str]]


def _run(call: Callable[..., Any], **kwargs: Any) -> tuple[Any, Refusal | None]:
    """Run one service; its domain errors as a refusal."""
    try:
        return call(**kwargs), None
    except FieldErrors as exc:
        return None, (400, exc.errors)
    except Conflict as exc:
        return None, (409, {"": str(exc) or _("This cannot be done now.")})
    except (NotFound, PermissionDenied):
        return None, (404, {"": _("Not found.")})


def _from_page(request: AuthenticatedHttpRequest) -> bool:
    """A form of the call page, sent by htmx: answered with HTML to swap in rather than JSON."""
    return request.headers.get("HX-Request") == "true"


def _answered(form: str, refusal: Refusal | None, fields: tuple[str, ...]) -> dict[str, Any]:
    """Which form of the page is answered (its id), with the reasons it was refused: those of its
    `fields` beside them, the others at its top."""
    errors = refusal[1] if refusal else {}
    return {
        "form": form,
        "errors": {field: str(message) for field, message in errors.items() if field in fields},
        "messages": [str(message) for field, message in errors.items() if field not in fields],
    }


def _session(request: AuthenticatedHttpRequest, session_id: int, *, joinable: bool = True) -> CallSession:
    """The call, if the user is one of its two participants (404 for anyone else); with `joinable`,
    only while it can still be joined."""
    lookup = selectors.session_for_participant if joinable else selectors.session_of_participant
    session = lookup(user=request.user, session_id=session_id)
    if session is None:
        raise Http404
    return session


def _role(request: AuthenticatedHttpRequest, session: CallSession) -> str:
    return "clerk" if session.clerk_id == request.user.pk else "resident"


def _json_session(
    request: AuthenticatedHttpRequest, session_id: int, role: str
) -> tuple[Any, JsonResponse | None]:
    """The call for a request made during it by the participant in `role`, or the JSON error."""
    session = selectors.session_for_participant(user=request.user, session_id=session_id)
    if session is None:
        return None, _errors(404, {"": _("This call has ended, or it is not yours.")})
    if _role(request, session) != role:
        return None, _errors(403, {"": _("Only the other side of the call can do this.")})
    return session, None


def _console_url() -> str:
    try:
        return reverse("remote:console")
    except NoReverseMatch:
        return reverse("catalog:home")


def _ticket_bundle(session: CallSession) -> str:
    # Neither costs a query when the call has no ticket or no appointment.
    if session.ticket is not None and session.ticket.bundle_code:
        return session.ticket.bundle_code
    if session.appointment is not None and session.appointment.bundle_code:
        return session.appointment.bundle_code
    return ""


def _shareable_bundles(request: AuthenticatedHttpRequest, session: CallSession) -> list[str]:
    """The bundles whose drafts the resident may share: the one they queued for, or else every
    application they have started."""
    code = _ticket_bundle(session)
    if code:
        return [code]
    return draft_codes_of(user=request.user)


def _panel(request: AuthenticatedHttpRequest, session: CallSession) -> dict[str, Any]:
    """What the panel beside the video shows: the shared application, its documents with their stills
    and verdicts; the clerk's capture buttons and verdict forms; the resident's share button."""
    role = _role(request, session)
    draft = session.draft or {}
    spec = selectors.draft_spec(draft)
    reviews = {review.material: review for review in session.reviews.all()}
    context: dict[str, Any] = {
        "session": session,
        "role": role,
        "ended": session.status == CallSession.Status.ENDED,
        "shared": spec is not None,
        "verdicts": PreReview.Verdict.choices,
    }
    if role == "resident":
        context["share_bundles"] = [
            {"code": code, "started": draft_get(request.user, DraftKey(code)) is not None}
            for code in _shareable_bundles(request, session)
        ]
    if spec is None:
        return context
    answers = draft.get("answers") or {}
    plan = spec.plan(answers)
    values = {key: value for key, value in (draft.get("values") or {}).items() if key in plan.fields}
    clean, _problems = check_values(spec, plan, values)
    materials = draft.get("materials") or {}
    context.update(
        {
            "bundle_name": str(spec.name),
            "answers": [
                {"label": str(question.label), "value": str(question.options[answers[key]])}
                for key, question in spec.questions.items()
                if answers.get(key) in question.options
            ],
            "fields": [
                {
                    "label": str(spec.fields[key].label),
                    "value": display_value(spec.fields[key], clean.get(key, values[key])),
                }
                for key in plan.fields
                if values.get(key) not in (None, "")
            ],
            "documents": [
                {
                    "key": key,
                    "label": str(spec.materials[key].label),
                    "url": (
                        reverse("remote:call_material", args=[session.pk, key]) if key in materials else ""
                    ),
                    "review": reviews.get(key),
                }
                for key in selectors.draft_materials(draft)
            ],
        }
    )
    return context


# --- the page -----------------------------------------------------------------------------------------


def _strings() -> dict[str, str]:
    """The script's messages, translated here (the page has no JavaScript catalogue)."""
    return {
        "connecting": _("Connecting…"),
        "waiting": _("Waiting for the other side to join…"),
        "connected": _("Connected."),
        "reconnecting": _("The connection is interrupted; trying again…"),
        "failed": _("The call could not be connected."),
        "ended": _("The call has ended."),
        "peer_left": _("The other side left; they can rejoin for %(minutes)d minutes.")
        % {"minutes": REJOIN_WITHIN.total_seconds() // 60},
        "peer_connection_lost": _("The connection to the other side is interrupted; trying again…"),
        "peer_connection_failed": _(
            "The connection to the other side failed. Check your network, then reload this page."
        ),
        "server_lost": _("The connection to the server was lost; reconnecting…"),
        "refused": _("This call has ended, or it is not yours to join."),
        "expired": _("The time to rejoin this call has passed."),
        "replaced": _("This call continues in another tab or window."),
        "unsupported": _(
            "This browser cannot make video calls. Use a recent Chrome, Edge, Firefox or Safari."
        ),
        "media_denied": _(
            "You did not allow the camera and microphone: the other side can neither see nor hear you, "
            "but you still see and hear them. Allow them in your browser's settings for this site, then "
            "reload this page."
        ),
        "media_missing": _(
            "No camera or microphone was found: the other side can neither see nor hear you, but you "
            "still see and hear them. You can write in the chat."
        ),
        "camera_missing": _("No camera was found: the other side hears you but cannot see you."),
        "camera_switch_failed": _("The other camera could not be started."),
        "mute": _("Mute microphone"),
        "unmute": _("Unmute microphone"),
        "camera_off": _("Turn camera off"),
        "camera_on": _("Turn camera on"),
        "remote_muted": _("The other side has muted their microphone."),
        "remote_camera_off": _("The other side has turned their camera off."),
        "you": _("You"),
        "clerk": _("Clerk"),
        "resident": _("Resident"),
        "request_failed": _("That did not work. Try again."),
        "chat_not_sent": _("Not sent: the call has ended."),
    }


def _chat_lines(
    request: AuthenticatedHttpRequest, session: CallSession, strings: dict[str, str]
) -> list[dict[str, Any]]:
    """The call's chat as this participant reads it: their own lines as "You"."""
    return [
        {
            "mine": line.author_id == request.user.pk,
            "who": strings["you"] if line.author_id == request.user.pk else strings[line.role],
            "text": line.text,
        }
        for line in selectors.chat_of(session=session)
    ]


@login_required
@permissions_allow("camera", "microphone")
def call_page(request: AuthenticatedHttpRequest, session_id: int) -> HttpResponse:
    """The call, for its clerk and its resident; reloading it within the rejoin time rejoins. An ended
    call (or one past its rejoin time) shows what was shared and decided, without the video."""
    session = _session(request, session_id, joinable=False)
    joinable = selectors.joinable(session)
    role = _role(request, session)
    strings = _strings()
    state = "connecting"
    if not joinable:
        state = "ended" if session.status == CallSession.Status.ENDED else "failed"
    config = {
        "session": session.pk,
        "role": role,
        "joinable": joinable,
        "wsPath": socket_path("call_socket", session_id=session.pk),
        "closeCodes": {
            "refused": CLOSE_REFUSED,
            "ended": CLOSE_ENDED,
            "replaced": CLOSE_REPLACED,
            "flooded": CLOSE_FLOODED,
        },
        "iceServers": settings.ICE_SERVERS,
        "csrf": get_token(request),
        "strings": strings,
    }
    context = {
        **_panel(request, session),
        "config": config,
        "joinable": joinable,
        "state": state,
        "state_text": strings["ended"] if session.status == CallSession.Status.ENDED else strings[state],
        "outcomes": CallSession.Outcome.choices,
        "console_url": _console_url(),
        "other": session.resident if role == "clerk" else session.clerk,
        "chat": _chat_lines(request, session, strings),
    }
    if not joinable and session.status != CallSession.Status.ENDED:
        context["state_text"] = strings["expired"]
    return render(request, "remote/call.html", context)


def _panel_answer(
    request: AuthenticatedHttpRequest,
    session_id: int,
    *,
    form: str = "",
    refusal: Refusal | None = None,
    fields: tuple[str, ...] = (),
) -> HttpResponse:
    """The panel as it is now; as the answer to its form `form`, with the reasons of a refusal
    beside that form's `fields`."""
    session = _session(request, session_id, joinable=False)
    context = {**_panel(request, session), "answered": _answered(form, refusal, fields)}
    response = render(request, "remote/_call_panel.html", context, status=refusal[0] if refusal else 200)
    response["Cache-Control"] = "private, no-store"
    return response


def _panel_refused(
    request: AuthenticatedHttpRequest,
    session_id: int,
    form: str,
    refusal: Refusal,
    fields: tuple[str, ...] = (),
) -> HttpResponse:
    """A refused request of the panel: the panel with the reasons beside the form, or the JSON errors."""
    if _from_page(request):
        return _panel_answer(request, session_id, form=form, refusal=refusal, fields=fields)
    return _errors(*refusal)


@login_required
@require_GET
def call_panel(request: AuthenticatedHttpRequest, session_id: int) -> HttpResponse:
    """The panel beside the video, fetched again when the other side changed something."""
    return _panel_answer(request, session_id)


@login_required
@require_GET
def call_material(request: AuthenticatedHttpRequest, session_id: int, material: str) -> FileResponse:
    """A document of the shared application, to either participant of the call; the clerk's look is
    recorded."""
    session = _session(request, session_id, joinable=False)
    upload_id = (session.draft or {}).get("materials", {}).get(material)
    upload = Upload.objects.filter(pk=upload_id, owner_id=session.resident_id).first() if upload_id else None
    if upload is None or not upload_path(upload).is_file():
        raise Http404
    if request.user.pk != session.resident_id:
        access_record(
            actor=request.user,
            resident_id=session.resident_id,
            kind=Access.Kind.DOCUMENT,
            purpose=Access.Purpose.CALL,
            application_id=session.application_id,
            upload_id=upload.pk,
            call_id=session.pk,
            window_id=session.window_id,
        )
    response = FileResponse(
        upload_path(upload).open("rb"), content_type=upload.content_type, filename=upload.original_name
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


# --- requests during the call -------------------------------------------------------------------------


@login_required
@require_POST
def call_share(request: AuthenticatedHttpRequest, session_id: int) -> HttpResponse:
    """The resident shows the clerk their unfinished application of the bundle they queued for."""
    session, refused = _json_session(request, session_id, "resident")
    if refused:
        return refused
    code = request.POST.get("bundle", "")
    form = f"share-{code}"
    draft = draft_get(request.user, DraftKey(code)) if code in _shareable_bundles(request, session) else None
    if draft is None:
        missing = (400, {"bundle": _("You have not started an application for this service yet.")})
        return _panel_refused(request, session.pk, form, missing)
    shared = {key: draft.get(key) or {} for key in ("answers", "values", "materials")}
    _result, refusal = _run(
        services.call_draft_share, actor=request.user, session_id=session.pk, draft={"bundle": code, **shared}
    )
    if refusal:
        return _panel_refused(request, session.pk, form, refusal)
    if _from_page(request):
        return _panel_answer(request, session.pk, form=form)
    return JsonResponse({"shared": code})


@login_required
@require_POST
def call_capture(request: AuthenticatedHttpRequest, session_id: int) -> HttpResponse:
    """The clerk keeps a still of the video (a PNG from the page's canvas) as one document."""
    session, refused = _json_session(request, session_id, "clerk")
    if refused:
        return refused
    material = request.POST.get("material", "")
    form = f"capture-{material}-form"
    file = request.FILES.get("file")
    if file is None:
        # The page sends no still when the resident's video shows no picture yet.
        missing = _("is missing")
        if _from_page(request):
            missing = _("There is no picture from the resident's camera yet.")
        return _panel_refused(request, session.pk, form, (400, {"file": missing}))
    upload, refusal = _run(
        services.call_capture_attach, actor=request.user, session_id=session.pk, material=material, file=file
    )
    if refusal:
        return _panel_refused(request, session.pk, form, refusal)
    if _from_page(request):
        return _panel_answer(request, session.pk, form=form)
    return JsonResponse(
        {
            "material": material,
            "upload": upload.pk,
            "url": reverse("remote:call_material", args=[session.pk, material]),
        },
        status=201,
    )


@login_required
@require_POST
def call_review(request: AuthenticatedHttpRequest, session_id: int) -> HttpResponse:
    """The clerk's verdict on one document: accepted, or needs fixing with the reason."""
    session, refused = _json_session(request, session_id, "clerk")
    if refused:
        return refused
    material = request.POST.get("material", "")
    form = f"review-{material}"
    review, refusal = _run(
        services.prereview_record,
        actor=request.user,
        session_id=session.pk,
        material=material,
        verdict=request.POST.get("verdict", ""),
        reason=request.POST.get("reason", ""),
    )
    if refusal:
        return _panel_refused(request, session.pk, form, refusal, fields=("verdict", "reason"))
    if _from_page(request):
        return _panel_answer(request, session.pk, form=form)
    return JsonResponse({"material": review.material, "verdict": review.verdict, "reason": review.reason})


@login_required
@require_POST
def call_end(request: AuthenticatedHttpRequest, session_id: int) -> HttpResponse:
    """The clerk ends the call with its outcome; both pages stop the video."""
    session, refused = _json_session(request, session_id, "clerk")
    if refused:
        return refused
    ended, refusal = _run(
        services.call_end, actor=request.user, session_id=session.pk, outcome=request.POST.get("outcome", "")
    )
    if refusal:
        if not _from_page(request):
            return _errors(*refusal)
        context = {
            "session": session,
            "shared": selectors.draft_spec(session.draft or {}) is not None,
            "outcomes": CallSession.Outcome.choices,
            "answered": _answered("end-call", refusal, ("outcome",)),
        }
        return render(request, "remote/_call_end.html", context, status=refusal[0])
    if _from_page(request):
        return HttpResponse(status=204)  # nothing to swap: the page ends the call itself
    return JsonResponse({"status": ended.status, "outcome": ended.outcome, "next": _console_url()})


urlpatterns = [
    path("", call_page, name="call"),
    path("panel/", call_panel, name="call_panel"),
    path("share/", call_share, name="call_share"),
    path("capture/", call_capture, name="call_capture"),
    path("review/", call_review, name="call_review"),
    path("end/", call_end, name="call_end"),
    path("materials/<slug:material>/", call_material, name="call_material"),
]
