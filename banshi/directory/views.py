"""Where a signed-in user starts: staff at their place of work, residents at the services."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from banshi.directory.selectors import staff_landing


@login_required
def landing(request: HttpRequest) -> HttpResponse:
    return redirect(staff_landing(user=request.user) or "catalog:home")
