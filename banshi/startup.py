"""What the servers do before they serve (`banshi/wsgi.py`, `banshi/asgi.py`): run the start-up checks
(the Django system checks tagged `startup`, such as no account keeping the demo's published password)
and refuse to start on an error; in demo mode, say so in the log."""

import logging
from concurrent.futures import ThreadPoolExecutor

from django.conf import settings
from django.core.checks import CheckMessage, run_checks
from django.core.management.base import SystemCheckError
from django.db import DEFAULT_DB_ALIAS, connections

from banshi.accounts.checks import STARTUP

logger = logging.getLogger("banshi")


def _problems() -> list[CheckMessage]:
    try:
        messages = run_checks(tags=[STARTUP], include_deployment_checks=True, databases=[DEFAULT_DB_ALIAS])
    finally:
        # This thread's connections are not the requests' ones: close them with it.
        connections.close_all()
    return [message for message in messages if message.is_serious()]


def checks_before_serving() -> None:
    """Raise SystemCheckError, naming each problem and its fix, if the server must not start."""
    if settings.DEMO:
        logger.warning(
            "Demo mode (BANSHI_DEMO): demo accounts with a published password, messages in the log. "
            "Never for real data."
        )
    # In a thread of its own: uvicorn loads the application inside its event loop, where Django refuses
    # to query the database.
    with ThreadPoolExecutor(max_workers=1) as pool:
        problems = pool.submit(_problems).result()
    if problems:
        raise SystemCheckError(
            "The server does not start:\n" + "\n".join(str(problem) for problem in problems)
        )
