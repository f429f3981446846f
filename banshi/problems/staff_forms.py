"""The forms of the staff pages: the hotline operator's call, and the unit's and the dispatcher's moves."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from banshi.directory.selectors import area_choices, area_lineage
from banshi.problems.forms import PhotosField
from banshi.problems.models import Callback, Contact
from banshi.problems.selectors import category_choices, unit_choices
from banshi.ui.forms import NamedErrorsForm

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

EMPTY: list[tuple[str, StrOrPromise]] = [("", _("Choose"))]


class _ChoicesForm(NamedErrorsForm):
    def choice_field(self, name: str) -> forms.ChoiceField:
        return cast("forms.ChoiceField", self.fields[name])


class CallForm(_ChoicesForm):
    """A phone call as the operator logs it. The place is picked level by level (the street's and the
    community's options follow the district's choice through htmx; without it, the whole form is sent
    again to fill them)."""

    reporter_phone = forms.CharField(
        label=_("Caller's phone"),
        max_length=20,
        widget=forms.TextInput(
            attrs={"autofocus": True, "inputmode": "tel", "autocomplete": "off", "class": "width-20"}
        ),
    )
    reporter_name = forms.CharField(label=_("Caller's name"), max_length=60, required=False)
    category_search = forms.CharField(
        label=_("Find a category"),
        max_length=40,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "type": "search"}),
    )
    category = forms.ChoiceField(label=_("Category"))
    district = forms.ChoiceField(label=_("District or county"))
    street = forms.ChoiceField(label=_("Street or township"), required=False)
    community = forms.ChoiceField(label=_("Community or village"), required=False)
    address = forms.CharField(label=_("Address"), max_length=200, required=False)
    description = forms.CharField(
        label=_("What the caller says"), max_length=4000, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args: Any, search: bool = False, **kwargs: Any) -> None:
        """`search`: the category's choices are those matching the search typed (the form sent again
        without scripts); a call saved may be of any category open for reports."""
        super().__init__(*args, **kwargs)
        data = self.data if self.is_bound else {}
        query = str(data.get("category_search", "") or "") if search else ""
        self.choice_field("category").choices = EMPTY + category_choices(query=query)
        self.choice_field("district").choices = EMPTY + area_choices()
        district = str(data.get("district", "") or "")
        street = str(data.get("street", "") or "")
        self.choice_field("street").choices = EMPTY + (area_choices(parent_code=district) if district else [])
        self.choice_field("community").choices = EMPTY + (area_choices(parent_code=street) if street else [])
        # With htmx: the caller named as found, the categories filtered as typed, the place level by level.
        self.fields["reporter_phone"].widget.attrs.update(
            {
                "hx-get": reverse("problems:operator_caller"),
                "hx-trigger": "change, keyup changed delay:300ms",
                "hx-target": "#caller",
                "hx-swap": "outerHTML",
                # A pause while typing asks for part of the number: the whole number's answer, asked
                # last, replaces that request rather than being overwritten by it.
                "hx-sync": "this:replace",
            }
        )
        self.fields["category_search"].widget.attrs.update(
            {
                "hx-get": reverse("problems:operator_categories"),
                "hx-trigger": "input changed delay:150ms, search",
                "hx-target": "#id_category",
                "hx-swap": "innerHTML",
                "hx-sync": "this:replace",
                "aria-controls": "id_category",
            }
        )
        options = reverse("directory:area_options")
        for name, target in (("district", "#id_street"), ("street", "#id_community")):
            self.fields[name].widget.attrs.update(
                {"hx-get": options, "hx-trigger": "change", "hx-target": target, "hx-swap": "innerHTML"}
            )

    def clean_reporter_phone(self) -> str:
        # As an operator types what is said: "138 0000 0001", "138-0000-0001".
        value: str = self.cleaned_data.get("reporter_phone", "")
        return "".join(value.replace("-", " ").split())

    def place_names(self) -> tuple[str, str]:
        """The street's and the community's names, as a report keeps them."""
        street, community = self.cleaned_data.get("street", ""), self.cleaned_data.get("community", "")
        names = {code: name for code, name, _kind in area_lineage(code=community or street)} if street else {}
        return names.get(street, ""), names.get(community, "")


class NoteForm(NamedErrorsForm):
    text = forms.CharField(label=_("Note"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
    public = forms.ChoiceField(
        label=_("Who reads it"),
        choices=[("internal", _("Staff only")), ("public", _("The resident and the public"))],
        initial="internal",
        widget=forms.RadioSelect,
    )


class ContactForm(NamedErrorsForm):
    kind = forms.ChoiceField(label=_("Contacted by"), choices=Contact.Kind.choices, widget=forms.RadioSelect)
    note = forms.CharField(
        label=_("What was agreed"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class CloseForm(NamedErrorsForm):
    """What was done, and its photos: those are chosen on the confirming page, the one sent with the
    closing (a file cannot be carried from one page to the next)."""

    text = forms.CharField(
        label=_("What was done"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    photos = PhotosField(
        label=_("Photos of what was done"),
        required=False,
        help_text=_("Up to 6 photos, JPEG, PNG or WebP, each up to 10 MB. Their location data is removed."),
    )


class SendBackForm(NamedErrorsForm):
    reason = forms.CharField(
        label=_("Why it is not this unit's"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )


class DuplicateForm(NamedErrorsForm):
    original = forms.CharField(label=_("Reference number of the original"), max_length=24)


class RouteForm(_ChoicesForm):
    unit = forms.ChoiceField(label=_("Unit"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.choice_field("unit").choices = EMPTY + unit_choices()


class CallbackForm(NamedErrorsForm):
    solved = forms.ChoiceField(
        label=_("Is it solved?"), choices=[("yes", _("Yes")), ("no", _("No"))], widget=forms.RadioSelect
    )
    satisfaction = forms.ChoiceField(
        label=_("How satisfied is the resident?"),
        choices=Callback.Satisfaction.choices,
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comment"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
