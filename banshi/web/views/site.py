from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from banshi.catalog.selectors import bundles_open


def home(request):
    bundles = [(bundle.code, bundle.current.spec) for bundle in bundles_open()]
    return render(request, "web/home.html", {"bundles": bundles})


def safe_next(request, fallback: str = "/") -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


@require_POST
def large_text(request):
    """Switch the elderly-friendly large-text mode (适老化) on or off; it is remembered for a year."""
    response = redirect(safe_next(request))
    if request.POST.get("on") == "1":
        response.set_cookie("large_text", "1", max_age=365 * 24 * 3600, samesite="Lax", httponly=True)
    else:
        response.delete_cookie("large_text", samesite="Lax")
    return response
