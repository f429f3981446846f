"""A user's notifications: the list, which marks what it shows read, and the link through which a
notification is opened."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from banshi.notify.models import Notification
from banshi.notify.selectors import notification_for_user, notifications_for_user
from banshi.notify.services import notifications_mark_read

if TYPE_CHECKING:
    from banshi.accounts.http import AuthenticatedHttpRequest

PER_PAGE = 20


def _own_notification(request: AuthenticatedHttpRequest, notification_id: int) -> Notification:
    """The signed-in user's notification; anyone else's is a 404, as if it did not exist."""
    note = notification_for_user(user=request.user, notification_id=notification_id)
    if note is None:
        raise Http404
    return note


def _is_local(url: str) -> bool:
    """A path on this site: no scheme, no host (so neither `https://elsewhere` nor `//elsewhere`)."""
    return url.startswith("/") and url_has_allowed_host_and_scheme(url, allowed_hosts=set())


@login_required
def notification_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    page = Paginator(notifications_for_user(user=request.user), PER_PAGE).get_page(request.GET.get("page"))
    notes = list(page.object_list)
    # The page shows each as it was before this visit (unread ones marked), and the header's count, read
    # when the page renders, already leaves out what this page has shown.
    notifications_mark_read(user=request.user, ids=[note.pk for note in notes if note.read_at is None])
    return render(request, "notify/notification_list.html", {"page": page, "notes": notes})


@login_required
def notification_open(request: AuthenticatedHttpRequest, notification_id: int) -> HttpResponse:
    note = _own_notification(request, notification_id)
    notifications_mark_read(user=request.user, ids=[note.pk])
    if not note.url:
        return redirect("notify:notification_list")
    if _is_local(note.url):
        return redirect(note.url)
    messages.error(request, _("This notification's link does not lead to a page of this site."))
    return redirect("notify:notification_list")
