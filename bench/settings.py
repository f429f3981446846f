"""Production settings plus the benchmark's baseline endpoint; nothing else differs."""

from banshi.settings import *  # noqa: F403

INSTALLED_APPS = [*INSTALLED_APPS, "bench"]  # noqa: F405
ROOT_URLCONF = "bench.urls"

# One client sends every measured request: the per-address rate limits (300 a minute for Open311) would
# answer 429 to the benchmark rather than measure the application.
RATELIMIT_ENABLE = False
