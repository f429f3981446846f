"""The resident's forms: a report in two steps (what and where, then the details and photos), the
reopening and the callback answer."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any, cast

from django import forms
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from banshi.directory.selectors import area_choices, area_lineage
from banshi.problems.models import Callback, Category
from banshi.problems.photos import MAX_PHOTOS
from banshi.problems.services.file import LAT_RANGE, LNG_RANGE
from banshi.ui.forms import NamedErrorsForm


def category_choices() -> list[tuple[str, Any]]:
    """The open categories grouped by tier (an emergency first), for a select with optgroups."""
    groups: dict[str, list[tuple[str, str]]] = {}
    for category in (
        Category.objects.filter(active=True)
        .select_related("tier")
        .order_by("tier__position", "position", "code")
    ):
        groups.setdefault(category.tier.name, []).append((category.code, category.name))
    return [("", _("Choose a category")), *groups.items()]


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    """Up to six files; their content is checked by the service (`problems.photos`)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault(
            "widget", MultipleFileInput(attrs={"accept": "image/jpeg,image/png,image/webp", "multiple": True})
        )
        super().__init__(**kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        files = [file for file in (data if isinstance(data, list | tuple) else [data]) if file]
        if len(files) > MAX_PHOTOS:
            raise forms.ValidationError(_("can be at most %(count)d photos a report") % {"count": MAX_PHOTOS})
        return files


def _coordinate(value: str, bounds: tuple[Decimal, Decimal]) -> Decimal | None:
    if not value:
        return None
    try:
        number = Decimal(value.replace(",", "."))
    except InvalidOperation:
        raise forms.ValidationError(_("must be a number")) from None
    if not number.is_finite():
        raise forms.ValidationError(_("must be a number"))
    if not bounds[0] <= number <= bounds[1]:
        raise forms.ValidationError(_("is outside Chongqing"))
    return number


class PlaceForm(NamedErrorsForm):
    """Step one: what kind of problem, and where: a pin on the map, or the district, street or township,
    community or village picked level by level, with an address."""

    category = forms.ChoiceField(label=gettext_lazy("Category"))
    lat = forms.CharField(
        label=gettext_lazy("Latitude"),
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "class": "input width-11"}),
    )
    lng = forms.CharField(
        label=gettext_lazy("Longitude"),
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "class": "input width-11"}),
    )
    district = forms.ChoiceField(label=gettext_lazy("District or county"), required=False)
    street = forms.ChoiceField(label=gettext_lazy("Street or township"), required=False)
    community = forms.ChoiceField(label=gettext_lazy("Community or village"), required=False)
    address = forms.CharField(
        label=gettext_lazy("Address"),
        required=False,
        max_length=200,
        help_text=gettext_lazy("The street and number, or a landmark near the problem."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["category"]).choices = category_choices()
        data = self.data if self.is_bound else self.initial
        district = str(data.get("district", "") or "")[:12]
        street = str(data.get("street", "") or "")[:12]
        none = [("", _("Choose"))]
        cast(forms.ChoiceField, self.fields["district"]).choices = none + area_choices()
        cast(forms.ChoiceField, self.fields["street"]).choices = none + (
            area_choices(parent_code=district) if district else []
        )
        cast(forms.ChoiceField, self.fields["community"]).choices = none + (
            area_choices(parent_code=street) if street else []
        )
        # With JavaScript, picking a level fills the select below it (directory's `/areas/options/`).
        options = reverse("directory:area_options")
        for name, below in (("district", "street"), ("street", "community")):
            self.fields[name].widget.attrs.update(
                {
                    "hx-get": options,
                    "hx-target": f"#id_{below}",
                    "hx-trigger": "change",
                    "hx-swap": "innerHTML",
                }
            )

    def clean_lat(self) -> Decimal | None:
        return _coordinate(self.cleaned_data.get("lat", ""), LAT_RANGE)

    def clean_lng(self) -> Decimal | None:
        return _coordinate(self.cleaned_data.get("lng", ""), LNG_RANGE)

    def clean(self) -> dict[str, Any]:
        """The place across its fields, checked beside any field's own error (every problem at once),
        each check only over fields that are valid themselves."""
        cleaned = super().clean()
        valid = set(self.fields) - set(self.errors)
        lat, lng = cleaned.get("lat"), cleaned.get("lng")
        if {"lat", "lng"} <= valid and (lat is None) != (lng is None):
            name = "lat" if lat is None else "lng"
            self.add_error(name, _("is needed with the other coordinate"))
        district, street, community = cleaned.get("district"), cleaned.get("street"), cleaned.get("community")
        if {"district", "street"} <= valid and street and (not district or not street.startswith(district)):
            self.add_error("street", _("is not in the district chosen"))
        if (
            {"street", "community"} <= valid
            and community
            and (not street or not community.startswith(street))
        ):
            self.add_error("community", _("is not in the street or township chosen"))
        placed = {"lat", "lng", "district", "address"} <= valid
        if placed and lat is None and not district and not cleaned.get("address"):
            self.add_error(None, _("Place: put a pin on the map, or choose a district and give an address"))
        return cleaned

    def place(self) -> dict[str, Any]:
        """The place as `report_file` takes it: the street's and the community's names."""
        data = self.cleaned_data
        names = {
            code: name
            for code, name, _kind in area_lineage(code=data.get("community") or data.get("street") or "")
        }
        return {
            "district": data.get("district") or None,
            "street": names.get(data.get("street", ""), ""),
            "community": names.get(data.get("community", ""), ""),
            "address": data.get("address", ""),
            "lat": data.get("lat"),
            "lng": data.get("lng"),
        }


class DetailsForm(PlaceForm):
    """Step two: the first step's answers carried on, with the description, the photos and whether the
    report stays off the public map."""

    description = forms.CharField(
        label=gettext_lazy("Description"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=gettext_lazy("What is wrong, since when, and anything that helps find it."),
    )
    photos = PhotosField(
        label=gettext_lazy("Photos"),
        required=False,
        help_text=gettext_lazy(
            "Up to 6 photos, JPEG, PNG or WebP, each up to 10 MB. Their location data is removed."
        ),
    )
    private = forms.BooleanField(
        label=gettext_lazy("Keep this report private"),
        required=False,
        help_text=gettext_lazy(
            "A private report is not shown on the public map; the unit handling it still sees it."
        ),
    )
    token = forms.CharField(widget=forms.HiddenInput, required=False, max_length=40)


class ReopenForm(NamedErrorsForm):
    reason = forms.CharField(
        label=gettext_lazy("Why it is not fixed"), max_length=1000, widget=forms.Textarea(attrs={"rows": 3})
    )


class CallbackForm(NamedErrorsForm):
    solved = forms.ChoiceField(
        label=gettext_lazy("Is the problem solved?"),
        choices=[("yes", gettext_lazy("Yes")), ("no", gettext_lazy("No"))],
        widget=forms.RadioSelect,
    )
    satisfaction = forms.ChoiceField(
        label=gettext_lazy("How satisfied are you with how it was handled?"),
        choices=Callback.Satisfaction.choices,
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=gettext_lazy("Comment"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class MapFilterForm(forms.Form):
    category = forms.ChoiceField(label=gettext_lazy("Category"), required=False)
    status = forms.ChoiceField(
        label=gettext_lazy("Status"),
        required=False,
        choices=[
            ("", gettext_lazy("Open and solved")),
            ("open", gettext_lazy("Open")),
            ("solved", gettext_lazy("Solved")),
        ],
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["category"]).choices = [("", _("All categories"))] + [
            (category.code, category.name) for category in Category.objects.filter(active=True)
        ]

    def filters(self) -> dict[str, str]:
        if not self.is_valid():
            return {"category": "", "status": ""}
        return {"category": self.cleaned_data["category"], "status": self.cleaned_data["status"]}
