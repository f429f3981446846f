from django.apps import AppConfig
from django.core import checks
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "banshi.accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from banshi.accounts.checks import STARTUP, demo_accounts_check

        checks.register(demo_accounts_check, checks.Tags.security, STARTUP, deploy=True)
