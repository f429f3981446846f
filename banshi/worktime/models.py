from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


class CalendarOverride(models.Model):
    """An administrator's word on one day, taking precedence over the chinese-calendar package: a local
    closure, a correction, or the State Council's schedule for a year the package does not know yet.

    Once any day of a year is entered here, that year counts as known and its other days follow
    Monday to Friday without being flagged as estimates, so enter a new year's whole schedule (every
    holiday and every make-up working day), not a single day."""

    class Kind(models.TextChoices):
        HOLIDAY = "holiday", _("holiday (no office hours)")
        WORKDAY = "workday", _("working day (office hours, e.g. a make-up day)")

    date = models.DateField(
        _("date"),
        unique=True,
        error_messages={"unique": _("This day already has an entry; change that entry instead.")},
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=60, blank=True, help_text=_("e.g. National Day"))

    class Meta:
        ordering = ["date"]
        verbose_name = _("calendar override")
        verbose_name_plural = _("calendar overrides")

    def __str__(self) -> str:
        return f"{self.date.isoformat()} {self.get_kind_display()} {self.name}".strip()

    def clean(self) -> None:
        other = (
            CalendarOverride.objects.filter(date=self.date).exclude(pk=self.pk).first() if self.date else None
        )
        if other is not None:
            raise ValidationError({"date": contradiction_message(other, self.kind)})


def contradiction_message(existing: CalendarOverride, kind: str) -> str:
    if existing.kind == kind:
        return _("%(date)s is already entered as a %(kind)s; change that entry instead.") % {
            "date": existing.date.isoformat(),
            "kind": existing.get_kind_display(),
        }
    return _(
        "%(date)s is already entered as a %(kind)s; a day cannot be both a holiday and a working day. "
        "Change or delete that entry first."
    ) % {"date": existing.date.isoformat(), "kind": existing.get_kind_display()}
