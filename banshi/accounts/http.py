"""The request type of the pages behind `login_required`."""

from django.http import HttpRequest

from banshi.accounts.models import User


class AuthenticatedHttpRequest(HttpRequest):
    """A request that `login_required` let through: its user is signed in, never anonymous. Only a type:
    views behind `login_required` annotate their request with it, so that `request.user` is a `User`."""

    user: User


class ApiRequest(HttpRequest):
    """A request of the JSON API that its bearer token let through: `request.auth` is the token's user.
    (django-ninja sets it; the operations open to anyone do not read it.)"""

    auth: User
