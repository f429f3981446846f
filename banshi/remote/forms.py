from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.utils.translation import gettext_lazy

from banshi.cases.forms import RatingForm
from banshi.catalog.selectors import bundles_open
from banshi.remote.models import CallSession
from banshi.ui.forms import NamedErrorsForm

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


def bundle_choices() -> list[tuple[str, StrOrPromise]]:
    return [("", gettext_lazy("Not decided yet"))] + [
        (bundle.code, str(bundle.current_spec.name)) for bundle in bundles_open()
    ]


class SlotForm(NamedErrorsForm):
    """The time is one of the slots listed on the page (radios drawn by the template); the service
    decides whether it can be booked."""

    starts_at = forms.CharField(label=gettext_lazy("Time"), max_length=40)

    def __init__(self, *args: Any, with_bundle: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if with_bundle:
            self.fields["bundle_code"] = forms.ChoiceField(
                label=gettext_lazy("What is it about?"),
                required=False,
                choices=bundle_choices,
                help_text=gettext_lazy("The clerk can prepare for it."),
            )


class TakeNumberForm(NamedErrorsForm):
    bundle_code = forms.ChoiceField(
        label=gettext_lazy("What is it about?"), required=False, choices=bundle_choices
    )


class CallRatingForm(RatingForm):
    """The 好差评 of a video call: the applications' rating form, asking about the call."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label", gettext_lazy("How satisfied are you with the video call?"))
        super().__init__(*args, **kwargs)


def outcome_choices() -> list[tuple[str, StrOrPromise]]:
    """No outcome is chosen for the clerk: the first choice is to choose one."""
    return [("", gettext_lazy("Choose the outcome…")), *CallSession.Outcome.choices]


class CallEndForm(NamedErrorsForm):
    outcome = forms.ChoiceField(label=gettext_lazy("Outcome"), choices=outcome_choices)
