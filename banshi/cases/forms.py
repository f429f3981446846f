"""An officer's decisions on a task; the 好差评 rating form."""

from typing import Any, cast

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from banshi.cases.models import Application, Rating
from banshi.cases.services.delivery import ADDRESS_MAX, RECIPIENT_MAX, TRACKING_MAX
from banshi.cases.services.rate import COMMENT_MAX, NOTE_MAX
from banshi.ui.forms import NamedErrorsForm


class ApproveForm(NamedErrorsForm):
    """One input per output of the service; blank ones the system generates."""

    def __init__(self, *args: Any, produces: dict, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for key, output in produces.items():
            generated = output.generate != "none"
            self.fields[f"outputs.{key}"] = forms.CharField(
                label=str(output.label),
                max_length=60,
                required=not generated,
                help_text=_("Leave blank and the system generates it.") if generated else "",
            )

    def outputs(self) -> dict[str, str]:
        return {
            name.removeprefix("outputs."): value
            for name, value in self.cleaned_data.items()
            if name.startswith("outputs.") and value
        }


class ReturnForm(NamedErrorsForm):
    items = forms.MultipleChoiceField(
        label=gettext_lazy("What must the applicant correct?"), widget=forms.CheckboxSelectMultiple
    )
    reason = forms.CharField(
        label=gettext_lazy("Reason"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("The applicant sees this. Say plainly what is wrong and how to fix it."),
    )

    def __init__(self, *args: Any, items: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.MultipleChoiceField, self.fields["items"]).choices = items


class RejectForm(NamedErrorsForm):
    reason = forms.CharField(
        label=gettext_lazy("Reason for refusing"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("The applicant sees this. Refusing cannot be undone."),
    )
    whole = forms.MultipleChoiceField(
        label=gettext_lazy("The whole application"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=[
            (
                "application",
                gettext_lazy(
                    "Refuse the whole application (e.g. a duplicate): its other services are cancelled "
                    "and the documents already issued for it are revoked"
                ),
            )
        ],
    )


class PostForm(NamedErrorsForm):
    tracking_number = forms.CharField(
        label=gettext_lazy("Postal tracking number"),
        max_length=TRACKING_MAX,
        help_text=gettext_lazy("Recorded when the results are posted; the resident is told."),
    )


class DeliveryForm(NamedErrorsForm):
    """How the results reach the resident; the address is asked, and checked by the service (every
    field named), only when they are posted."""

    POSTAL = ("recipient", "phone", "address", "postcode")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        by_post = self.data.get("delivery") == Application.ResultDelivery.POST if self.is_bound else True
        for name in self.POSTAL:
            self.fields[name].required = by_post

    delivery = forms.ChoiceField(
        label=gettext_lazy("How will the results reach you?"),
        choices=Application.ResultDelivery.choices,
        widget=forms.RadioSelect,
    )
    recipient = forms.CharField(
        label=gettext_lazy("Recipient"),
        required=False,
        max_length=RECIPIENT_MAX,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    phone = forms.CharField(
        label=gettext_lazy("Recipient's mobile number"),
        required=False,
        max_length=20,
        help_text=gettext_lazy("The courier calls this number."),
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )
    address = forms.CharField(
        label=gettext_lazy("Postal address"),
        required=False,
        max_length=ADDRESS_MAX,
        widget=forms.Textarea(attrs={"rows": 2, "autocomplete": "street-address"}),
    )
    postcode = forms.CharField(
        label=gettext_lazy("Postcode"),
        required=False,
        max_length=10,
        widget=forms.TextInput(attrs={"autocomplete": "postal-code", "inputmode": "numeric"}),
    )


class WithdrawForm(NamedErrorsForm):
    reason = forms.CharField(
        label=gettext_lazy("Why do you withdraw the application?"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("The agencies see this. Withdrawing cannot be undone."),
    )


class FollowUpForm(NamedErrorsForm):
    outcome = forms.ChoiceField(
        label=gettext_lazy("Outcome of the call"),
        choices=Rating.Outcome.choices,
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=gettext_lazy("How was it followed up?"),
        max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("Whom you spoke to, what was found, what was done."),
    )


class RatingForm(NamedErrorsForm):
    """A 好差评 on the five levels with an optional comment: of an application, or (with its own
    `label`, the question the levels answer) of anything else rated the same way."""

    level = forms.TypedChoiceField(
        label=gettext_lazy("How satisfied are you with how your application was handled?"),
        choices=Rating.Level.choices,
        coerce=int,
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=gettext_lazy("Comment"),
        required=False,
        max_length=COMMENT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("What went well, or what should be better. Do not write ID numbers here."),
    )

    def __init__(self, *args: Any, label: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if label is not None:
            self.fields["level"].label = label
