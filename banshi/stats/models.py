"""The daily roll-up: counts per day of the facts the figures are made of, so that a dashboard over a
year reads a few thousand rows rather than a million applications.

A row is one cell of one measure on one day (in the offices' time zone): `group` is the bundle, the agency
or the category the measure is broken down by, `district` the six-digit GB/T 2260 code ("" when unknown,
"*" for the whole city: each fact is counted in its district and in the city), `channel` the
application's channel (for the applications submitted), and `bucket` a value of a distribution (a
rating's level, a duration in whole minutes or quarter hours); `count` is how many facts fell in it."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class DailyCount(models.Model):
    day = models.DateField(_("day"))
    measure = models.CharField(_("measure"), max_length=40)
    group = models.CharField(_("group"), max_length=60, blank=True, default="")
    district = models.CharField(_("district"), max_length=12, blank=True, default="")
    channel = models.CharField(_("channel"), max_length=10, blank=True, default="")
    bucket = models.IntegerField(_("bucket"), default=0)
    count = models.PositiveIntegerField(_("count"))

    class Meta:
        verbose_name = _("daily count")
        verbose_name_plural = _("daily counts")
        constraints = [
            models.UniqueConstraint(
                fields=["day", "measure", "group", "district", "channel", "bucket"],
                name="stats_daily_count_one_cell",
            )
        ]
        indexes = [models.Index(fields=["measure", "district", "day"], name="stats_daily_measure_area_day")]

    def __str__(self) -> str:
        cell = f"{self.group}/{self.district}/{self.channel}/{self.bucket}"
        return f"{self.day} {self.measure} {cell}: {self.count}"


class RolledUpDay(models.Model):
    """A day whose counts of one source (cases, remote, problems) are in DailyCount, and when they were
    counted."""

    day = models.DateField(_("day"))
    source = models.CharField(_("source"), max_length=20)
    refreshed_at = models.DateTimeField(_("refreshed"))

    class Meta:
        verbose_name = _("rolled-up day")
        verbose_name_plural = _("rolled-up days")
        constraints = [models.UniqueConstraint(fields=["day", "source"], name="stats_rolled_up_day_once")]

    def __str__(self) -> str:
        return f"{self.source} {self.day}"
