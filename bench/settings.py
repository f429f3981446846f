"""Production settings plus the benchmark's baseline endpoint; nothing else differs."""

from banshi.settings import *  # noqa: F403

INSTALLED_APPS = [*INSTALLED_APPS, "bench"]  # noqa: F405
ROOT_URLCONF = "bench.urls"
