from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SequencesConfig(AppConfig):
    name = "banshi.sequences"
    verbose_name = _("Sequences")
