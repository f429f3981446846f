from django.db import models
from django.utils.translation import gettext_lazy as _

from banshi.catalog.definition import BundleDef


class Bundle(models.Model):
    code = models.SlugField(_("code"), max_length=40, unique=True)
    current = models.ForeignKey(
        "BundleVersion",
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("current version"),
    )
    active = models.BooleanField(_("open for applications"), default=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("bundle")
        verbose_name_plural = _("bundles")

    def __str__(self) -> str:
        return self.code

    @property
    def current_spec(self) -> BundleDef:
        """The definition new applications follow. Every bundle the catalogue loaded has one; the
        selectors of open bundles list no other."""
        if self.current is None:
            raise BundleVersion.DoesNotExist(f"the bundle {self.code!r} has no current version")
        return self.current.spec


class BundleVersion(models.Model):
    """An immutable definition of a bundle. Applications point at the version they were submitted
    under, so editing the catalogue never changes a case in flight."""

    bundle = models.ForeignKey(Bundle, on_delete=models.PROTECT, related_name="versions")
    digest = models.CharField(max_length=64, unique=True)
    # JSON text rather than a JSON column: PostgreSQL's jsonb would not keep the order of questions,
    # fields and services, and that order is the order of the form.
    definition = models.TextField()
    loaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("bundle version")
        verbose_name_plural = _("bundle versions")

    def __str__(self) -> str:
        return f"{self.bundle.code}@{self.digest[:8]}"

    @property
    def spec(self) -> BundleDef:
        spec = _specs.get(self.digest)
        if spec is None:
            spec = _specs[self.digest] = BundleDef.model_validate_json(self.definition)
        return spec


# Versions are immutable, so a parsed definition is shared by every request in the process.
_specs: dict[str, BundleDef] = {}
