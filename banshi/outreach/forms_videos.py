"""The forms of story videos: the guardian's start (class, given name, consent) and the moderator's
reason."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from banshi.outreach.models import Campaign
from banshi.outreach.services.videos import GIVEN_NAME_LIMIT, REASON_LIMIT
from banshi.ui.forms import NamedErrorsForm


class VideoStartForm(NamedErrorsForm):
    school_class = forms.TypedChoiceField(label=_("The child's class"), coerce=int)
    given_name = forms.CharField(
        label=_("The child's given name"),
        max_length=GIVEN_NAME_LIMIT,
        help_text=_(
            "The given name only, as the gallery shows it to everyone (for example 明明): no family name."
        ),
    )
    consent = forms.BooleanField(
        label=_(
            "I am the child's parent or guardian, and I agree to this video being shown in the campaign's "
            "public gallery with the child's given name and class"
        ),
        required=False,
    )

    def __init__(self, *args: Any, campaign: Campaign, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["school_class"]
        assert isinstance(field, forms.TypedChoiceField)  # noqa: S101 - declared above
        field.choices = [("", _("Choose a class")), *((c.pk, c.name) for c in campaign.classes.all())]


class ReasonForm(NamedErrorsForm):
    reason = forms.CharField(
        label=_("Reason"), max_length=REASON_LIMIT, widget=forms.Textarea(attrs={"rows": 2})
    )
