"""The JSON API, assembled from the apps' routers. Errors come out in one shape:
`{"errors": [{"field": "...", "message": "..."}]}` with 400, 401, 404, 409 or 429, each declared by the
operations that can answer it (`lib.schemas.errors`)."""

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI, Swagger
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.security import HttpBearer

from banshi.accounts import api as accounts_api
from banshi.accounts.models import User
from banshi.accounts.selectors import user_for_api_key
from banshi.cases import api as cases_api
from banshi.catalog import api as catalog_api
from banshi.certificates import api as certificates_api
from banshi.lib.errors import Conflict, FieldErrors, NotFound
from banshi.projects import api as projects_api
from banshi.stats import api as stats_api


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        user = user_for_api_key(key=token)
        if user is not None:
            request.user = user
        return user


api = NinjaAPI(
    title="Banshi API",
    version="1",
    urls_namespace="api",
    auth=BearerToken(),
    docs_url="/docs",
    # Swagger UI from the site's own static files ("ninja" is an installed app), never from a CDN; no
    # validator badge, which Swagger UI would fetch from swagger.io.
    docs=Swagger(settings={"validatorUrl": None}),
    openapi_url="/openapi.json",
)
api.add_router("", accounts_api.router)
api.add_router("", catalog_api.router)
api.add_router("", cases_api.router)
api.add_router("", certificates_api.router)
api.add_router("", projects_api.router)
api.add_router("", stats_api.router)


def _errors(request: HttpRequest, status: int, errors: list[dict]) -> HttpResponse:
    return api.create_response(request, {"errors": errors}, status=status)


@api.exception_handler(FieldErrors)
def _field_errors(request: HttpRequest, exc: FieldErrors) -> HttpResponse:
    return _errors(request, 400, [{"field": f, "message": m} for f, m in exc.errors.items()])


@api.exception_handler(ValidationError)
def _validation_errors(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    errors = []
    for error in exc.errors:
        loc = [str(part) for part in error.get("loc", []) if part not in ("body", "payload", "query", "path")]
        errors.append({"field": ".".join(loc), "message": error.get("msg", "is invalid")})
    return _errors(request, 400, errors)


@api.exception_handler(Conflict)
def _conflict(request: HttpRequest, exc: Conflict) -> HttpResponse:
    return _errors(request, 409, [{"field": "", "message": str(exc) or "conflict"}])


@api.exception_handler(NotFound)
def _not_found(request: HttpRequest, exc: NotFound) -> HttpResponse:
    return _errors(request, 404, [{"field": "", "message": "not found"}])


@api.exception_handler(AuthenticationError)
def _unauthorised(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return _errors(request, 401, [{"field": "", "message": "a valid bearer token is required"}])


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return _errors(request, exc.status_code, [{"field": "", "message": str(exc)}])
