from django.conf import settings
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class Area(models.Model):
    """An administrative area identified by its region code: GB/T 2260's six digits down to the districts
    and counties, nine for a street or township (街道/乡镇) and twelve for a community or village (社区/村),
    as the statistical division codes extend them."""

    class Kind(models.TextChoices):
        MUNICIPALITY = "municipality", _("municipality")
        DISTRICT = "district", _("district")
        COUNTY = "county", _("county")
        STREET = "street", _("street or township")
        COMMUNITY = "community", _("community or village")

    code = models.CharField(_("region code"), max_length=12, unique=True)
    name = models.CharField(_("name"), max_length=60)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("area")
        verbose_name_plural = _("areas")

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class Agency(models.Model):
    code = models.SlugField(_("code"), max_length=40, unique=True)
    name_zh = models.CharField(_("name (Chinese)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100)
    area = models.ForeignKey(Area, null=True, blank=True, on_delete=models.PROTECT, related_name="agencies")

    class Meta:
        ordering = ["code"]
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        # An office's official name: in Chinese as it is registered (also on zh-hant pages), like the
        # areas' GB/T 2260 names and the ethnic groups' stored values.
        return self.name_en if (get_language() or "").startswith("en") else self.name_zh


class Window(models.Model):
    """A service window where residents are served, in person or by video."""

    class Kind(models.TextChoices):
        PHYSICAL = "physical", _("physical window")
        VIDEO = "video", _("video window")

    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.PHYSICAL)
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="windows")
    address = models.CharField(_("address"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("window")
        verbose_name_plural = _("windows")

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    """What a member of staff may do, and for which agency."""

    class Role(models.TextChoices):
        OFFICER = "officer", _("agency officer")
        CLERK = "clerk", _("window clerk")
        SUPERVISOR = "supervisor", _("supervisor")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    agency = models.ForeignKey(
        Agency, null=True, blank=True, on_delete=models.PROTECT, related_name="members"
    )
    window = models.ForeignKey(
        Window, null=True, blank=True, on_delete=models.PROTECT, related_name="members"
    )

    class Meta:
        verbose_name = _("staff membership")
        verbose_name_plural = _("staff memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "role", "agency"], name="membership_unique"),
            models.CheckConstraint(
                condition=~models.Q(role="officer") | models.Q(agency__isnull=False),
                name="officer_has_agency",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.agency or ''}"
