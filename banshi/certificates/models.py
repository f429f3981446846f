import re
import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from banshi.cases.models import Application, Task
from banshi.catalog.definition import Text
from banshi.directory.models import Agency

# A document number as printed and as typed into the verification page: the catalogue's prefix, the
# issue date and a sequence (CS20260105000001), or a number an officer typed in the same alphabet.
NUMBER_SHAPE = re.compile(r"^[A-Z0-9]{4,40}$")

# The verification code printed beside the number and held by the QR code. Document numbers follow
# each other, so the number alone would let anyone walk through every document issued; the code is
# what proves that the person checking holds the paper. Capital letters and digits a reader cannot
# confuse (no 0/O, 1/I/L): 31 symbols, 10 of them, about 50 bits.
VERIFICATION_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
VERIFICATION_CODE_LENGTH = 10
VERIFICATION_CODE_SHAPE = re.compile(rf"^[{VERIFICATION_ALPHABET}]{{{VERIFICATION_CODE_LENGTH}}}$")


def verification_code_new() -> str:
    return "".join(secrets.choice(VERIFICATION_ALPHABET) for _position in range(VERIFICATION_CODE_LENGTH))


class Certificate(models.Model):
    """A numbered document issued by a task's approval: the output of a service marked `document`
    in the catalogue. Its number is the output's value."""

    class Status(models.TextChoices):
        VALID = "valid", _("valid")
        REVOKED = "revoked", _("revoked")

    TRANSITIONS = {
        Status.VALID: {Status.REVOKED},
        Status.REVOKED: set(),
    }

    number = models.CharField(_("number"), max_length=40, unique=True)
    # Not a secret like a password (it is printed on the paper), only impossible to guess: kept as is.
    verification_code = models.CharField(
        _("verification code"),
        max_length=VERIFICATION_CODE_LENGTH,
        default=verification_code_new,
        editable=False,
    )
    document_type = models.CharField(_("document type"), max_length=60)
    # The catalogue's texts at issue time ({"zh-hans": …, "en": …}): the title is the service's name,
    # the label names the number. Kept here so that a later catalogue never renames an issued document.
    title = models.JSONField(_("title"), default=dict)
    label = models.JSONField(_("label"), default=dict)
    task = models.ForeignKey(Task, on_delete=models.PROTECT, related_name="certificates")
    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="certificates")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="certificates")
    issued_at = models.DateTimeField(_("issued"))
    # What the document says, as it was when issued: a correction of the application made later for
    # another service never changes a document already in the holder's hands.
    content = models.JSONField(default=dict)
    # Shown to anyone who verifies the number, so never more than a masked name.
    holder_display = models.CharField(_("holder"), max_length=60, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.VALID)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    revoke_reason = models.TextField(_("reason for revoking"), blank=True)

    class Meta:
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        ordering = ["application_id", "task_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["task", "document_type"], name="certificate_one_per_output"),
            models.CheckConstraint(
                condition=models.Q(status="valid", revoked_at__isnull=True)
                | models.Q(status="revoked", revoked_at__isnull=False),
                name="certificate_revoked_has_date",
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def title_text(self) -> str:
        return _text(self.title, self.document_type)

    @property
    def label_text(self) -> str:
        return _text(self.label, self.document_type)

    @property
    def is_valid(self) -> bool:
        return self.status == self.Status.VALID

    @property
    def verification_code_display(self) -> str:
        """The code as printed and shown: two groups of five, easier to read out and type."""
        half = VERIFICATION_CODE_LENGTH // 2
        return f"{self.verification_code[:half]} {self.verification_code[half:]}"


def _text(stored: dict, fallback: str) -> str:
    try:
        return str(Text.model_validate(stored))
    except ValueError:
        return fallback
