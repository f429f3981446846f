"""The pages of lecture programmes: the public schedule and a lecture's page (register, rate), the
check-in page the lecture's QR code opens, the calendar feeds, the organiser's pages (programmes,
speakers, quotas, scheduling, attendees, closing) and the supervisor's table of quotas.

Attendees' names and mobile numbers appear in full only on the organiser's page of the lecture; every
other page shows counts, or the visitor's own number masked."""

from __future__ import annotations

import io
from itertools import groupby
from typing import Any

import segno
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from banshi.accounts.http import AuthenticatedHttpRequest
from banshi.audit.models import Access
from banshi.audit.services import accesses_record
from banshi.directory.access import supervisor_required
from banshi.directory.models import Area
from banshi.lib.errors import FieldErrors
from banshi.lib.personal import mask_phone
from banshi.outreach import selectors_lectures as selectors
from banshi.outreach.forms_lectures import (
    CancelForm,
    CloseForm,
    CodeForm,
    LectureForm,
    PhoneForm,
    ProgrammeForm,
    QuotaForm,
    RatingForm,
    SpeakerForm,
)
from banshi.outreach.ics import lectures_calendar
from banshi.outreach.models import Lecture, LecturePhoto, Programme, Rating, VenueKind
from banshi.outreach.photos_lectures import MAX_PHOTOS, photo_path
from banshi.outreach.services import lectures as services
from banshi.ui.forms import form_error_summary
from banshi.ui.middleware import accepts_files
from banshi.ui.views import run_service

# --- public -----------------------------------------------------------------------------------------


def _place(lecture: Lecture) -> str:
    area = lecture.area
    parent = area.parent
    return f"{parent.name} · {area.name}" if parent is not None and len(area.code) > 6 else area.name


SCHEDULE_PAGE = 50


@require_GET
def schedule(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    area_code = request.GET.get("area", "")
    if area_code and not (area_code.isdigit() and Area.objects.filter(code=area_code).exists()):
        area_code = ""
    try:
        page = max(1, min(int(request.GET.get("page", "1")), 1000))
    except ValueError:
        page = 1
    start = (page - 1) * SCHEDULE_PAGE
    lectures = list(
        selectors.upcoming_lectures(now=now, area_code=area_code)[start : start + SCHEDULE_PAGE + 1]
    )
    later = len(lectures) > SCHEDULE_PAGE
    lectures = lectures[:SCHEDULE_PAGE]
    days = [
        (day, [(lecture, _place(lecture)) for lecture in group])
        for day, group in groupby(lectures, key=lambda lecture: timezone.localtime(lecture.starts_at).date())
    ]
    return render(
        request,
        "outreach/lectures/schedule.html",
        {
            "days": days,
            "districts": selectors.schedule_districts(now=now),
            "area_code": area_code,
            "later_page": page + 1 if later else None,
            "area_feed": reverse("outreach:area_feed", args=[area_code]) if area_code else "",
        },
    )


def _lecture_or_404(lecture_id: int) -> Lecture:
    lecture = selectors.public_lecture(lecture_id=lecture_id)
    if lecture is None:
        raise Http404
    return lecture


def _lecture_page(
    request: HttpRequest, lecture: Lecture, *, rating_form: RatingForm | None = None
) -> HttpResponse:
    user = request.user
    registered = selectors.is_registered(lecture=lecture, user=user)
    by = services.rating_role(user=user, lecture=lecture) if user.is_authenticated else None
    rated = user.is_authenticated and Rating.objects.filter(lecture=lecture, user_id=user.pk).exists()
    pins = []
    if lecture.latitude is not None and lecture.longitude is not None:
        pins = [
            {"lat": float(lecture.latitude), "lng": float(lecture.longitude), "title": lecture.venue_name}
        ]
    form = rating_form or RatingForm()
    return render(
        request,
        "outreach/lectures/lecture.html",
        {
            "lecture": lecture,
            "place": _place(lecture),
            "registered": registered,
            "seats_left": max(0, lecture.capacity - selectors.registered_count(lecture=lecture)),
            "may_register": lecture.status == Lecture.Status.SCHEDULED and timezone.now() < lecture.starts_at,
            "may_rate": by is not None and not rated and lecture.status == Lecture.Status.CLOSED,
            "rated": rated,
            "pins": pins,
            "form": form,
            "errors": form_error_summary(form),
        },
    )


@require_GET
def lecture_detail(request: HttpRequest, lecture_id: int) -> HttpResponse:
    return _lecture_page(request, _lecture_or_404(lecture_id))


@login_required
@require_POST
def lecture_register(request: AuthenticatedHttpRequest, lecture_id: int) -> HttpResponse:
    lecture = _lecture_or_404(lecture_id)
    call = run_service(
        request,
        services.registration_create,
        on_conflict=reverse("outreach:lecture", args=[lecture.pk]),
        user=request.user,
        lecture=lecture,
    )
    if call.response:
        return call.response
    messages.success(
        request, _("You are registered. Check in at the venue by scanning the lecture's QR code.")
    )
    return redirect("outreach:lecture", lecture.pk)


@login_required
@require_POST
def lecture_rate(request: AuthenticatedHttpRequest, lecture_id: int) -> HttpResponse:
    lecture = _lecture_or_404(lecture_id)
    form = RatingForm(request.POST)
    if form.is_valid():
        call = run_service(
            request,
            services.lecture_rate,
            form=form,
            on_conflict=reverse("outreach:lecture", args=[lecture.pk]),
            user=request.user,
            lecture=lecture,
            stars=form.cleaned_data["stars"],
            comment=form.cleaned_data["comment"],
        )
        if call.response:
            return call.response
        if call.ok:
            messages.success(request, _("Thank you for your rating."))
            return redirect("outreach:lecture", lecture.pk)
    return _lecture_page(request, lecture, rating_form=form)


# The lectures this browser checked in to, to say so when the page is opened again.
_CHECKED_IN = "outreach_checked_in"


@require_http_methods(["GET", "POST"])
def checkin(request: HttpRequest, token: str) -> HttpResponse:
    """The page the lecture's QR code opens: one tap when signed in; otherwise the mobile number, a
    texted code, and the tap."""
    lecture = selectors.lecture_by_token(token=token)
    if lecture is None:
        raise Http404
    now = timezone.now()
    phone_form = PhoneForm(prefix="p")
    code_form: CodeForm | None = None
    done = None
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action == "self" and request.user.is_authenticated:
            call = run_service(request, services.checkin_signed_in, user=request.user, token=token, now=now)
            if call.response:
                return call.response
            done = call.result
        elif action == "send":
            phone_form = PhoneForm(request.POST, prefix="p")
            if phone_form.is_valid():
                phone = phone_form.cleaned_data["phone"]
                call = run_service(
                    request, services.checkin_code_send, form=phone_form, token=token, phone=phone, now=now
                )
                if call.response:
                    return call.response
                if call.ok:
                    code_form = CodeForm(prefix="c", initial={"phone": call.result.phone})
        elif action == "code":
            code_form = CodeForm(request.POST, prefix="c")
            if code_form.is_valid():
                call = run_service(
                    request,
                    services.checkin_with_code,
                    form=code_form,
                    token=token,
                    phone=code_form.cleaned_data["phone"],
                    code=code_form.cleaned_data["code"],
                    now=now,
                )
                if call.response:
                    return call.response
                done = call.result
        if done is not None:
            request.session[_CHECKED_IN] = [*request.session.get(_CHECKED_IN, []), lecture.pk][-20:]
            messages.success(request, _("You are checked in. Welcome!"))
            return redirect("outreach:checkin", token)
    forms_shown = [form for form in (phone_form, code_form) if form is not None]
    return render(
        request,
        "outreach/lectures/checkin.html",
        {
            "lecture": lecture,
            "place": _place(lecture),
            "refusal": services.checkin_refusal(lecture, now),
            "checked_in": lecture.pk in request.session.get(_CHECKED_IN, [])
            or (request.user.is_authenticated and selectors.checked_in(lecture=lecture, user=request.user)),
            "phone_form": phone_form,
            "code_form": code_form,
            "errors": [item for form in forms_shown for item in form_error_summary(form)],
            "masked_phone": mask_phone(request.user.phone)
            if request.user.is_authenticated and request.user.phone
            else "",
        },
    )


def _calendar(request: HttpRequest, *, name: str, lectures: Any) -> HttpResponse:
    base = f"{request.scheme}://{request.get_host()}"
    body = lectures_calendar(name=name, lectures=lectures, base_url=base, host=request.get_host())
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="lectures.ics"'
    # Calendar applications poll their feeds; a few minutes' delay is what they expect.
    response["Cache-Control"] = "public, max-age=300"
    return response


@require_GET
def programme_feed(request: HttpRequest, programme_id: int) -> HttpResponse:
    programme = Programme.objects.filter(pk=programme_id).first()
    if programme is None:
        raise Http404
    return _calendar(
        request,
        name=programme.name,
        lectures=selectors.feed_lectures(now=timezone.now(), programme=programme),
    )


@require_GET
def area_feed(request: HttpRequest, area_code: str) -> HttpResponse:
    area = Area.objects.filter(code=area_code).first()
    if area is None:
        raise Http404
    return _calendar(
        request, name=area.name, lectures=selectors.feed_lectures(now=timezone.now(), area_code=area.code)
    )


# --- the organiser's pages ----------------------------------------------------------------------------


def _programme_or_404(request: AuthenticatedHttpRequest, programme_id: int) -> Programme:
    programme = selectors.programme_for_organiser(user=request.user, programme_id=programme_id)
    if programme is None:
        raise Http404
    return programme


def _organised_lecture_or_404(request: AuthenticatedHttpRequest, lecture_id: int) -> Lecture:
    lecture = selectors.lecture_for_organiser(user=request.user, lecture_id=lecture_id)
    if lecture is None:
        raise Http404
    return lecture


@login_required
@require_http_methods(["GET", "POST"])
def organiser_programmes(request: AuthenticatedHttpRequest) -> HttpResponse:
    units = list(selectors.organiser_units(user=request.user))
    if not units:
        raise Http404
    choices = [(str(unit.pk), unit.name) for unit in units]
    form = ProgrammeForm(request.POST or None, units=choices)
    if request.method == "POST" and form.is_valid():
        unit = next(unit for unit in units if str(unit.pk) == form.cleaned_data["unit"])
        call = run_service(
            request,
            services.programme_create,
            form=form,
            actor=request.user,
            unit=unit,
            name=form.cleaned_data["name"],
            description=form.cleaned_data["description"],
            venue_kinds=form.cleaned_data["venue_kinds"],
            starts_on=form.cleaned_data["starts_on"],
        )
        if call.response:
            return call.response
        if call.ok:
            messages.success(request, _("The programme is set up. Add its speakers and quotas."))
            return redirect("outreach:organiser_programme", call.result.pk)
    now = timezone.now()
    programmes = [
        (programme, selectors.quota_report(programme=programme, now=now))
        for programme in selectors.programmes_for_organiser(user=request.user)
    ]
    return render(
        request,
        "outreach/lectures/organiser_programmes.html",
        {"programmes": programmes, "form": form, "errors": form_error_summary(form)},
    )


def _programme_page(
    request: AuthenticatedHttpRequest,
    programme: Programme,
    *,
    speaker_form: SpeakerForm | None = None,
    quota_form: QuotaForm | None = None,
) -> HttpResponse:
    now = timezone.now()
    speaker_form = speaker_form or SpeakerForm(prefix="s")
    quota_form = quota_form or QuotaForm(prefix="q")
    labels = dict(VenueKind.choices)
    return render(
        request,
        "outreach/lectures/organiser_programme.html",
        {
            "programme": programme,
            "venue_kinds": [labels[kind] for kind in programme.venue_kinds if kind in labels],
            "report": selectors.quota_report(programme=programme, now=now),
            "numbers": selectors.programme_numbers(programme=programme),
            "speakers": list(programme.speakers.all()),
            "lectures": list(
                programme.lectures.select_related("speaker", "area").order_by("-starts_at")[:100]
            ),
            "speaker_form": speaker_form,
            "quota_form": quota_form,
            "errors": form_error_summary(speaker_form) + form_error_summary(quota_form),
        },
    )


@login_required
@require_GET
def organiser_programme(request: AuthenticatedHttpRequest, programme_id: int) -> HttpResponse:
    return _programme_page(request, _programme_or_404(request, programme_id))


def _programme_form_post(
    request: AuthenticatedHttpRequest, programme: Programme, form: forms.Form, *, service: Any, done: str
) -> HttpResponse | None:
    """One of the programme page's forms sent: its service run with the form's values, and back to the
    page with `done` said; None when the page must show the form again with its problems."""
    if form.is_valid():
        call = run_service(
            request, service, form=form, actor=request.user, programme=programme, **form.cleaned_data
        )
        if call.response:
            return call.response
        if call.ok:
            messages.success(request, done)
            return redirect("outreach:organiser_programme", programme.pk)
    return None


@login_required
@require_POST
def speaker_add(request: AuthenticatedHttpRequest, programme_id: int) -> HttpResponse:
    programme = _programme_or_404(request, programme_id)
    form = SpeakerForm(request.POST, prefix="s")
    answer = _programme_form_post(
        request, programme, form, service=services.speaker_add, done=_("The speaker is added.")
    )
    return answer or _programme_page(request, programme, speaker_form=form)


@login_required
@require_POST
def quota_set(request: AuthenticatedHttpRequest, programme_id: int) -> HttpResponse:
    programme = _programme_or_404(request, programme_id)
    form = QuotaForm(request.POST, prefix="q")
    answer = _programme_form_post(
        request, programme, form, service=services.quota_set, done=_("The quota is set.")
    )
    return answer or _programme_page(request, programme, quota_form=form)


def _area_choices(programme: Programme) -> list[tuple[str, str]]:
    areas = list(selectors.areas_for_unit(unit=programme.unit).select_related("parent"))
    return [
        (area.code, f"{area.parent.name} · {area.name}" if area.parent and len(area.code) > 9 else area.name)
        for area in areas
    ]


# The service's names of the start and end, as the form's fields of the date and the times.
_SCHEDULE_FIELDS = {"starts_at": "start", "ends_at": "end"}


def _schedule(**kwargs: Any) -> Lecture:
    try:
        return services.lecture_schedule(**kwargs)
    except FieldErrors as refused:
        raise FieldErrors(
            {_SCHEDULE_FIELDS.get(key, key): text for key, text in refused.errors.items()}
        ) from None


@login_required
@require_http_methods(["GET", "POST"])
def lecture_schedule(request: AuthenticatedHttpRequest, programme_id: int) -> HttpResponse:
    programme = _programme_or_404(request, programme_id)
    form = LectureForm(request.POST or None, programme=programme, areas=_area_choices(programme))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        call = run_service(
            request,
            _schedule,
            form=form,
            actor=request.user,
            programme=programme,
            speaker_id=data["speaker"],
            topic=data["topic"],
            starts_at=LectureForm.moment(data["day"], data["start"]),
            ends_at=LectureForm.moment(data["day"], data["end"]),
            venue_kind=data["venue_kind"],
            venue_name=data["venue_name"],
            area_code=data["area"],
            address=data["address"],
            capacity=data["capacity"],
            latitude=data["latitude"],
            longitude=data["longitude"],
        )
        if call.response:
            return call.response
        if call.ok:
            messages.success(request, _("The lecture is scheduled."))
            return redirect("outreach:organiser_lecture", call.result.pk)
    return render(
        request,
        "outreach/lectures/organiser_schedule.html",
        {"programme": programme, "form": form, "errors": form_error_summary(form)},
    )


def _organiser_lecture_page(
    request: AuthenticatedHttpRequest,
    lecture: Lecture,
    *,
    close_form: CloseForm | None = None,
    cancel_form: CancelForm | None = None,
) -> HttpResponse:
    close_form = close_form or CloseForm(prefix="close")
    cancel_form = cancel_form or CancelForm(prefix="cancel")
    people = selectors.attendees(lecture=lecture)
    # The organiser sees each attendee's name and number in full: every look is on the access log, one
    # record a resident with an account and one for those who checked in by number alone.
    residents: list[int | None] = [*sorted({person.user_id for person in people if person.user_id})]
    if any(person.user_id is None and person.phone for person in people):
        residents.append(None)
    if residents:
        accesses_record(
            actor=request.user,
            resident_ids=residents,
            kind=Access.Kind.ATTENDANCE,
            purpose=Access.Purpose.LECTURE,
            lecture_id=lecture.pk,
        )
    now = timezone.now()
    return render(
        request,
        "outreach/lectures/organiser_lecture.html",
        {
            "lecture": lecture,
            "place": _place(lecture),
            "attendees": people,
            "checked_in": sum(1 for person in people if person.checked_in),
            "checkin_url": request.build_absolute_uri(
                reverse("outreach:checkin", args=[lecture.checkin_token])
            ),
            "refusal": services.checkin_refusal(lecture, now),
            "may_close": lecture.status in (Lecture.Status.SCHEDULED, Lecture.Status.HELD)
            and now >= lecture.starts_at,
            "may_cancel": lecture.status == Lecture.Status.SCHEDULED,
            "photos": list(lecture.photos.all()),
            "max_photos": MAX_PHOTOS,
            "close_form": close_form,
            "cancel_form": cancel_form,
            "errors": form_error_summary(close_form) + form_error_summary(cancel_form),
        },
    )


@login_required
@require_GET
def organiser_lecture(request: AuthenticatedHttpRequest, lecture_id: int) -> HttpResponse:
    return _organiser_lecture_page(request, _organised_lecture_or_404(request, lecture_id))


@login_required
@require_GET
def lecture_qr(request: AuthenticatedHttpRequest, lecture_id: int) -> HttpResponse:
    """The lecture's QR code, to print or show at the venue: the address of its check-in page."""
    lecture = _organised_lecture_or_404(request, lecture_id)
    url = request.build_absolute_uri(reverse("outreach:checkin", args=[lecture.checkin_token]))
    qr = segno.make(url, error="m", micro=False)
    buffer = io.BytesIO()
    qr.save(buffer, kind="png", scale=8, border=4)
    return HttpResponse(buffer.getvalue(), content_type="image/png")


@login_required
@require_POST
def organiser_checkin(request: AuthenticatedHttpRequest, lecture_id: int) -> HttpResponse:
    lecture = _organised_lecture_or_404(request, lecture_id)
    call = run_service(
        request,
        services.checkin_by_organiser,
        on_conflict=reverse("outreach:organiser_lecture", args=[lecture.pk]),
        actor=request.user,
        lecture=lecture,
        registration_id=request.POST.get("registration", ""),
    )
    if call.response:
        return call.response
    messages.success(request, _("Checked in."))
    return redirect("outreach:organiser_lecture", lecture.pk)


@login_required
@accepts_files(MAX_PHOTOS)
@require_POST
def lecture_close(request: AuthenticatedHttpRequest, lecture_id: int) -> HttpResponse:
    lecture = _organised_lecture_or_404(request, lecture_id)
    form = CloseForm(request.POST, request.FILES, prefix="close")
    if form.is_valid():
        call = run_service(
            request,
            services.lecture_close,
            form=form,
            on_conflict=reverse("outreach:organiser_lecture", args=[lecture.pk]),
            actor=request.user,
            lecture=lecture,
            summary=form.cleaned_data["summary"],
            walk_ins=form.cleaned_data["walk_ins"],
            photos=request.FILES.getlist("close-photos"),
        )
        if call.response:
            return call.response
        if call.ok:
            messages.success(request, _("The lecture is closed: its attendance is final."))
            return redirect("outreach:organiser_lecture", lecture.pk)
    return _organiser_lecture_page(request, lecture, close_form=form)


@login_required
@require_POST
def lecture_cancel(request: AuthenticatedHttpRequest, lecture_id: int) -> HttpResponse:
    lecture = _organised_lecture_or_404(request, lecture_id)
    form = CancelForm(request.POST, prefix="cancel")
    if form.is_valid():
        call = run_service(
            request,
            services.lecture_cancel,
            form=form,
            on_conflict=reverse("outreach:organiser_lecture", args=[lecture.pk]),
            actor=request.user,
            lecture=lecture,
            reason=form.cleaned_data["reason"],
        )
        if call.response:
            return call.response
        if call.ok:
            messages.success(request, _("The lecture is cancelled."))
            return redirect("outreach:organiser_lecture", lecture.pk)
    return _organiser_lecture_page(request, lecture, cancel_form=form)


@login_required
@require_GET
def lecture_photo(request: AuthenticatedHttpRequest, lecture_id: int, photo_id: int) -> FileResponse:
    lecture = _organised_lecture_or_404(request, lecture_id)
    photo = LecturePhoto.objects.filter(pk=photo_id, lecture=lecture).first()
    if photo is None:
        raise Http404
    response = FileResponse(photo_path(photo.path).open("rb"), content_type="image/jpeg")
    response["Cache-Control"] = "private, max-age=3600"
    return response


# --- the supervisor's table ---------------------------------------------------------------------------


@supervisor_required
@require_GET
def supervisor_quotas(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "outreach/lectures/supervisor_quotas.html",
        {"rows": selectors.quotas_for_supervisor(now=timezone.now())},
    )
