"""Who may open the staff pages: one check per role, for every app's views."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from banshi.directory.selectors import is_supervisor


def supervisor_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A page for supervisors (督查) only: others signed in get 403, anonymous users the login page."""

    @login_required
    @wraps(view)
    def checked(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not is_supervisor(user=request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return checked
