"""The pages of story videos: a campaign's public page (its counts and gallery), the guardian's start,
upload and status pages and their videos, the moderator's queue, and the files, served with ranges."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST, require_safe

from banshi.accounts.http import AuthenticatedHttpRequest
from banshi.outreach.forms_videos import ReasonForm, VideoStartForm
from banshi.outreach.models import Campaign, StoryVideo
from banshi.outreach.ranges import ranged_file_response
from banshi.outreach.selectors_videos import (
    campaign_counts,
    campaign_gallery,
    moderated_campaign_ids,
    moderation_queue,
    open_campaigns,
    video_for_viewer,
    videos_of_guardian,
)
from banshi.outreach.services.videos import (
    video_approve,
    video_file,
    video_reject,
    video_start,
    video_withdraw,
)
from banshi.ui.forms import form_error_summary
from banshi.ui.views import run_service


def _limits() -> dict[str, object]:
    return {
        "bytes": settings.OUTREACH_VIDEO_MAX_BYTES,
        "mb": settings.OUTREACH_VIDEO_MAX_BYTES // (1024 * 1024),
        "minutes": f"{settings.OUTREACH_VIDEO_MAX_SECONDS / 60:g}",
    }


@require_GET
def campaigns(request: HttpRequest) -> HttpResponse:
    return render(request, "outreach/videos/campaigns.html", {"campaigns": open_campaigns()})


@require_GET
def campaign_detail(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = get_object_or_404(Campaign, slug=slug)
    context = {
        "campaign": campaign,
        "counts": campaign_counts(campaign=campaign),
        "gallery": campaign_gallery(campaign=campaign),
    }
    return render(request, "outreach/videos/campaign.html", context)


@login_required
def start(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    campaign = get_object_or_404(Campaign, slug=slug, open=True)
    form = VideoStartForm(request.POST or None, campaign=campaign)
    if request.method == "POST" and form.is_valid():
        call = run_service(
            request,
            video_start,
            form=form,
            actor=request.user,
            campaign=campaign,
            class_id=form.cleaned_data["school_class"],
            given_name=form.cleaned_data["given_name"],
            consent=form.cleaned_data["consent"],
        )
        if call.response is not None:
            return call.response
        if call.ok:
            return redirect("outreach:video_detail", call.result.key)
    status = 400 if form.is_bound else 200
    errors = form_error_summary(form) if form.is_bound else []
    return render(
        request,
        "outreach/videos/start.html",
        {"campaign": campaign, "form": form, "errors": errors, "limits": _limits()},
        status=status,
    )


def _guardians(request: AuthenticatedHttpRequest, key: str) -> StoryVideo:
    video = (
        StoryVideo.objects.filter(key=key, guardian_id=request.user.pk)
        .select_related("campaign", "school_class")
        .first()
    )
    if video is None:
        raise Http404
    return video


def _state(video: StoryVideo) -> dict[str, object]:
    return {
        "status": video.status,
        "label": str(video.get_status_display()),
        "progress": video.progress,
        "offset": video.upload_offset,
        "length": video.upload_length,
        "reason": video.reason,
        "done": video.status not in StoryVideo.IN_PROGRESS,
    }


@login_required
@require_GET
def video_detail(request: AuthenticatedHttpRequest, key: str) -> HttpResponse:
    """The guardian's page of their video: the upload while it is uploading, then its progress."""
    video = _guardians(request, key)
    context = {
        "video": video,
        "state": _state(video),
        "tus_endpoint": reverse("outreach:tus_uploads"),
        "uploading": video.status == StoryVideo.Status.UPLOADING,
        "limits": _limits(),
    }
    return render(request, "outreach/videos/video.html", context)


@login_required
@require_GET
def video_state(request: AuthenticatedHttpRequest, key: str) -> JsonResponse:
    """What the guardian's page polls: the state, the conversion's progress, the reason of a failure."""
    return JsonResponse(_state(_guardians(request, key)))


@login_required
@require_GET
def my_videos(request: AuthenticatedHttpRequest) -> HttpResponse:
    return render(request, "outreach/videos/mine.html", {"videos": videos_of_guardian(user=request.user)})


@login_required
@require_GET
def moderation(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not moderated_campaign_ids(user=request.user):
        raise Http404
    rows = list(moderation_queue(user=request.user))
    context = {
        "waiting": [video for video in rows if video.status == StoryVideo.Status.READY],
        "published": [video for video in rows if video.status == StoryVideo.Status.PUBLISHED],
        "form": ReasonForm(),
    }
    return render(request, "outreach/videos/moderation.html", context)


@login_required
@require_POST
def approve(request: AuthenticatedHttpRequest, key: str) -> HttpResponse:
    target = reverse("outreach:moderation")
    call = run_service(request, video_approve, on_conflict=target, actor=request.user, key=key)
    if call.ok:
        messages.success(request, _("Published in the gallery: %(name)s") % {"name": call.result.given_name})
    return call.response or redirect(target)


def _with_reason(
    request: AuthenticatedHttpRequest, key: str, service: Callable[..., StoryVideo], done: str
) -> HttpResponse:
    target = reverse("outreach:moderation")
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(error) for error in form.errors.get("reason", [])))
        return redirect(target)
    call = run_service(
        request, service, on_conflict=target, actor=request.user, key=key, reason=form.cleaned_data["reason"]
    )
    if call.ok:
        messages.success(request, done % {"name": call.result.given_name})
    return call.response or redirect(target)


@login_required
@require_POST
def reject(request: AuthenticatedHttpRequest, key: str) -> HttpResponse:
    return _with_reason(request, key, video_reject, _("Not accepted: %(name)s"))


@login_required
@require_POST
def withdraw(request: AuthenticatedHttpRequest, key: str) -> HttpResponse:
    return _with_reason(request, key, video_withdraw, _("Withdrawn from the gallery: %(name)s"))


def _file(request: HttpRequest, key: str, *, poster: bool) -> HttpResponseBase:
    """A video's MP4 or poster, from outside the web root: to anyone once published, before that to its
    guardian and the campaign's moderators only; a 404 to everyone else."""
    video = video_for_viewer(key=key, user=request.user)
    relative = (video.poster_path if poster else video.video_path) if video else ""
    if video is None or not relative or not video_file(relative).is_file():
        raise Http404
    response = ranged_file_response(
        request, video_file(relative), content_type="image/jpeg" if poster else "video/mp4"
    )
    response["Content-Disposition"] = "inline"
    if video.status == StoryVideo.Status.PUBLISHED and not request.user.is_authenticated:
        response["Cache-Control"] = "public, max-age=3600"
    return response


@require_safe
def video_mp4(request: HttpRequest, key: str) -> HttpResponseBase:
    return _file(request, key, poster=False)


@require_safe
def video_poster(request: HttpRequest, key: str) -> HttpResponseBase:
    return _file(request, key, poster=True)
