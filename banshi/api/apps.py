from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "banshi.api"
    verbose_name = "API"
