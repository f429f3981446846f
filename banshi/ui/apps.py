from django.apps import AppConfig


class UiConfig(AppConfig):
    name = "banshi.ui"
    label = "ui"
