"""The WSGI entry point (production's HTTP, e.g. granian): Django's HTTP views, once the start-up checks
pass (`banshi/startup.py`)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "banshi.settings")
application = get_wsgi_application()

from banshi.startup import checks_before_serving  # noqa: E402

checks_before_serving()
