"""The start-up check of accounts: outside demo mode, no account may keep the demo's published password.
The servers run it before they serve (`banshi/startup.py`, from `banshi/wsgi.py` and `banshi/asgi.py`);
`manage.py check --deploy --database default` runs it too."""

from collections.abc import Sequence
from typing import Any

from django.apps import AppConfig
from django.conf import settings
from django.contrib.auth.hashers import check_password
from django.core.checks import CheckMessage, Error
from django.db import DEFAULT_DB_ALIAS, DatabaseError

from banshi.accounts import demo
from banshi.accounts.models import User

# Run by the servers before they serve (banshi/startup.py).
STARTUP = "startup"


def demo_usernames() -> list[str]:
    """The accounts the demo creates; only these are checked, so that the check costs one query and a
    password hash per demo account that exists."""
    return [demo.RESIDENT_PHONE, *(username for username, _name in demo.STAFF), demo.ADMIN[0]]


def demo_accounts_check(
    app_configs: Sequence[AppConfig] | None = None, databases: Sequence[str] | None = None, **kwargs: Any
) -> list[CheckMessage]:
    if settings.DEMO or DEFAULT_DB_ALIAS not in (databases or ()):
        return []
    try:
        accounts = list(
            User.objects.filter(username__in=demo_usernames()).values_list("username", "password")
        )
    except DatabaseError as exc:
        return [
            Error(
                f"The accounts cannot be read to check for demo passwords: {exc}",
                hint="Run `manage.py migrate` first, and check DATABASE_URL.",
                id="accounts.E002",
            )
        ]
    # check_password of the hashers module: it never saves an upgraded hash, so the check writes nothing.
    exposed = sorted(username for username, hashed in accounts if check_password(demo.PASSWORD, hashed))
    if not exposed:
        return []
    return [
        Error(
            f"{len(exposed)} account(s) still have the demo's published password ({demo.PASSWORD}): "
            f"{', '.join(exposed)}. Outside demo mode the server does not start while anyone can log in "
            "with it.",
            hint="Give each a password of its own (`manage.py changepassword USERNAME`); or, if this is "
            "the demo, set BANSHI_DEMO=1.",
            id="accounts.E001",
        )
    ]
