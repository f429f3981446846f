from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """The demo data of `make run`, assembled from each app's own `demo.py`. Nothing imports it."""

    name = "banshi.demo"
    verbose_name = _("Demo")
