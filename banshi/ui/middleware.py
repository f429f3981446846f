"""Response headers every page and API answer gets: what the browser may let a page use
(Permissions-Policy), and that an answer with personal data is never kept in a cache (Cache-Control).
Static files never reach these: WhiteNoise answers them earlier, with their long caching. And the
refusal of an upload larger than its form allows, from its Content-Length."""

from collections.abc import Callable, Iterable
from functools import wraps
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponseBase
from django.utils.cache import patch_cache_control
from django.utils.deprecation import MiddlewareMixin

# The browser features a page could ask for, each off unless a view allows it (`permissions_allow`);
# geolocation is the site's own, for maps.
PERMISSIONS: dict[str, str] = {
    "accelerometer": "()",
    "camera": "()",
    "display-capture": "()",
    "geolocation": "(self)",
    "gyroscope": "()",
    "magnetometer": "()",
    "microphone": "()",
    "payment": "()",
    "usb": "()",
}
# Every answer of the JSON API is private, whoever asks: it is the API of people's applications.
API_PREFIX = "/api/"


def permissions_policy(allow: Iterable[str] = ()) -> str:
    """The Permissions-Policy header: every feature off but geolocation, and `allow` for the site itself."""
    allowed = set(allow)
    unknown = allowed - PERMISSIONS.keys()
    if unknown:
        raise ValueError(f"not a feature of the policy: {', '.join(sorted(unknown))}")
    return ", ".join(
        f"{feature}={'(self)' if feature in allowed else value}" for feature, value in PERMISSIONS.items()
    )


DEFAULT_POLICY = permissions_policy()

View = Callable[..., HttpResponseBase]


def permissions_allow(*features: str) -> Callable[[View], View]:
    """A view whose page may use these browser features (the video call: "camera", "microphone")."""
    policy = permissions_policy(features)

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            response = view(request, *args, **kwargs)
            response.headers["Permissions-Policy"] = policy
            return response

        return wrapped

    return decorator


class PermissionsPolicyMiddleware(MiddlewareMixin):
    """Every answer says which browser features its page may use: none but those its view allows."""

    def process_response(self, request: HttpRequest, response: HttpResponseBase) -> HttpResponseBase:
        response.headers.setdefault("Permissions-Policy", DEFAULT_POLICY)
        return response


def _private(request: HttpRequest) -> bool:
    """Whether the answer may carry someone's personal data: it is to a signed-in user or an API client,
    or to someone whose session holds something (an anonymous password reset keeps the phone there)."""
    if "HTTP_AUTHORIZATION" in request.META or request.path_info.startswith(API_PREFIX):
        return True
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return True
    session = getattr(request, "session", None)
    return session is not None and session.accessed and not session.is_empty()


class NoStoreMiddleware(MiddlewareMixin):
    """An answer that may carry personal data is never stored by the browser or a proxy
    (`Cache-Control: no-store`), so that it is not found again on a shared computer or in a cache."""

    def process_response(self, request: HttpRequest, response: HttpResponseBase) -> HttpResponseBase:
        if _private(request):
            patch_cache_control(response, private=True, no_store=True)
        return response


FileCount = int | Callable[..., int]


def accepts_files(count: FileCount) -> Callable[[View], View]:
    """A view whose form sends up to `count` files of at most MATERIAL_MAX_BYTES each (or a function of
    the request and the view's arguments that says how many): `UploadSizeMiddleware` refuses a larger
    POST from its Content-Length, before anything of it is read."""

    def decorator(view: View) -> View:
        view.upload_files = count  # type: ignore[attr-defined]
        return view

    return decorator


def upload_limit(files: int) -> int:
    """The largest body a form of `files` files may send: each file at its limit, and the form's text."""
    return files * settings.MATERIAL_MAX_BYTES + settings.DATA_UPLOAD_MAX_MEMORY_SIZE


class UploadSizeMiddleware(MiddlewareMixin):
    """A POST to a view that takes files (`accepts_files`) and says it is larger than they may be is
    answered at once with the site's page saying so (413), nothing of it read: neither a resident on a
    slow line nor the server waits for a file that would be refused anyway. Before the CSRF check, which
    reads the body; the page it answers with changes nothing."""

    def process_view(
        self, request: HttpRequest, view: View, args: tuple[Any, ...], kwargs: dict[str, Any]
    ) -> HttpResponseBase | None:
        count: FileCount | None = getattr(view, "upload_files", None)
        if count is None or request.method != "POST":
            return None
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return None
        files = count(request, *args, **kwargs) if callable(count) else count
        if length <= upload_limit(files):
            return None
        from banshi.ui.views import upload_too_large

        return upload_too_large(request)
