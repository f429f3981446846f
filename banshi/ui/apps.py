from django.apps import AppConfig
from django.contrib.staticfiles.apps import StaticFilesConfig as DjangoStaticFilesConfig


class UiConfig(AppConfig):
    name = "banshi.ui"
    label = "ui"


class StaticFilesConfig(DjangoStaticFilesConfig):
    """`collectstatic` leaves out the ReDoc that django-ninja ships beside Swagger UI: the API docs use
    Swagger UI only, and compressing ReDoc's megabytes would slow every release."""

    ignore_patterns = [*DjangoStaticFilesConfig.ignore_patterns, "ninja/redoc*"]
