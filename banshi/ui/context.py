from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme

# The pages whose header links to the log-in and sign-up pages pass on the page they were asked to return to.
ACCOUNT_PAGES = {"login", "signup", "signup_confirm"}


def come_back(request: HttpRequest) -> str:
    """The query string ("?next=…") of the header's log-in and sign-up links: the page to return to
    afterwards. On the account pages themselves, the one they were given; nothing from the home page,
    so that staff go where they work."""
    match = getattr(request, "resolver_match", None)
    if match is not None and match.namespace == "accounts" and match.url_name in ACCOUNT_PAGES:
        target = request.POST.get("next") or request.GET.get("next") or ""
        if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
            target = ""
    else:
        target = "" if request.path == "/" else request.get_full_path()
    return "?" + urlencode({"next": target}) if target else ""


def site(request: HttpRequest) -> dict[str, object]:
    return {
        "large_text": request.COOKIES.get("large_text") == "1",
        "demo": settings.DEMO,
        "come_back": come_back(request),
        # What a file input refuses before sending (static/js/site.js), as the server would after.
        "upload_max_bytes": settings.MATERIAL_MAX_BYTES,
        "upload_max_mb": settings.MATERIAL_MAX_BYTES // (1024 * 1024),
        # The maps' tile server; empty: they draw the district outlines (components/_map.html).
        "map_tile_url": settings.MAP_TILE_URL,
        "map_tile_attribution": settings.MAP_TILE_ATTRIBUTION,
    }
