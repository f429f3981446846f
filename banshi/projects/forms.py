"""The register's forms: the public filters, the owner's progress update (one field per indicator), a
problem report linked, and the import of a spreadsheet."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from banshi.projects.files import MAX_PHOTOS
from banshi.projects.models import Indicator, Project
from banshi.projects.selectors import SEARCH_MAX, RegisterFilters, register_categories, register_years
from banshi.projects.services.transfer import FORMATS, KINDS
from banshi.ui.forms import NamedErrorsForm


class RegisterFilterForm(NamedErrorsForm):
    q = forms.CharField(label=gettext_lazy("Name contains"), max_length=SEARCH_MAX, required=False)
    level = forms.ChoiceField(label=gettext_lazy("Level"), required=False)
    area = forms.RegexField(
        label=gettext_lazy("Area (region code)"),
        regex=r"^[0-9]{2,12}$",
        required=False,
        max_length=12,
        error_messages={"invalid": gettext_lazy("must be a region code of 2 to 12 digits")},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "width-11"}),
    )
    category = forms.ChoiceField(label=gettext_lazy("Category"), required=False)
    year = forms.TypedChoiceField(label=gettext_lazy("Year"), required=False, coerce=int, empty_value=None)
    status = forms.ChoiceField(label=gettext_lazy("Status"), required=False)
    parent = forms.IntegerField(required=False, min_value=1, max_value=2**63 - 1, widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        every = [("", _("All"))]
        cast(forms.ChoiceField, self.fields["level"]).choices = every + list(Project.Level.choices)
        cast(forms.ChoiceField, self.fields["status"]).choices = every + list(Project.Status.choices)
        cast(forms.ChoiceField, self.fields["category"]).choices = every + [
            (c, c) for c in register_categories()
        ]
        cast(forms.ChoiceField, self.fields["year"]).choices = every + [
            (str(y), str(y)) for y in register_years()
        ]

    def filters(self) -> RegisterFilters:
        """The valid filters; a filter that is not valid is left out (the form shows why)."""
        if not self.is_bound:
            return RegisterFilters()
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return RegisterFilters(
            level=data.get("level") or "",
            area=data.get("area") or "",
            category=data.get("category") or "",
            year=data.get("year") or None,
            status=data.get("status") or "",
            q=(data.get("q") or "").strip(),
            parent=data.get("parent") or None,
        )


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class FilesField(forms.FileField):
    """Several files; their content is checked by the service (`projects.files`)."""

    def __init__(self, *, accept: str, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": accept, "multiple": True}))
        super().__init__(**kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        return [file for file in (data if isinstance(data, list | tuple) else [data]) if file]


class UpdateForm(NamedErrorsForm):
    text = forms.CharField(label=gettext_lazy("What was done"), max_length=4000, widget=forms.Textarea)
    progress = forms.CharField(
        label=gettext_lazy("Progress (%)"),
        required=False,
        max_length=10,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "class": "width-5"}),
    )
    photos = FilesField(
        label=gettext_lazy("Photos"),
        required=False,
        accept="image/jpeg,image/png,image/webp",
        help_text=gettext_lazy("Up to %(count)d photos: JPEG, PNG or WebP.") % {"count": MAX_PHOTOS},
    )
    documents = FilesField(label=gettext_lazy("Documents (PDF)"), required=False, accept="application/pdf")

    def __init__(self, *args: Any, indicators: list[Indicator], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.indicators = indicators
        for indicator in indicators:
            # Text, not a number field: the service names a bad value ("must be a number") itself.
            self.fields[f"actual_{indicator.code}"] = forms.CharField(
                label=indicator.name,
                required=False,
                max_length=30,
                help_text=_("Target %(target)s %(unit)s; now %(actual)s")
                % {"target": indicator.target, "unit": indicator.unit, "actual": indicator.actual},
                widget=forms.TextInput(attrs={"inputmode": "decimal", "class": "width-11"}),
            )

    def actuals(self) -> dict[str, str]:
        return {i.code: self.cleaned_data.get(f"actual_{i.code}", "") for i in self.indicators}


class LinkReportForm(NamedErrorsForm):
    number = forms.CharField(label=gettext_lazy("Reference number of the problem report"), max_length=24)


class MoveForm(NamedErrorsForm):
    status = forms.ChoiceField(label=gettext_lazy("New status"), choices=Project.Status.choices)
    reason = forms.CharField(
        label=gettext_lazy("Why"), required=False, max_length=1000, widget=forms.Textarea
    )


class ImportForm(NamedErrorsForm):
    kind = forms.ChoiceField(
        label=gettext_lazy("What the file holds"),
        choices=[(KINDS[0], gettext_lazy("Projects")), (KINDS[1], gettext_lazy("Indicator updates"))],
        widget=forms.RadioSelect,
    )
    file = forms.FileField(
        label=gettext_lazy("CSV or XLSX file"),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,text/csv"}),
    )

    def file_format(self) -> str:
        name = str(getattr(self.cleaned_data.get("file"), "name", "")).lower()
        suffix = name.rsplit(".", 1)[-1] if "." in name else ""
        return suffix if suffix in FORMATS else ""


class MilestoneForm(NamedErrorsForm):
    title = forms.CharField(label=gettext_lazy("What is to be reached"), max_length=200)
    due = forms.DateField(
        label=gettext_lazy("By"),
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": gettext_lazy("must be a day like 2026-12-31")},
    )


class StageForm(NamedErrorsForm):
    year = forms.IntegerField(
        label=gettext_lazy("Year"),
        min_value=2000,
        max_value=2100,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "class": "width-4"}),
    )
    target_progress = forms.DecimalField(
        label=gettext_lazy("Progress to reach (%)"),
        min_value=0,
        max_value=100,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "any", "class": "width-4"}),
    )
    due = forms.DateField(
        label=gettext_lazy("By (the year's end unless given)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": gettext_lazy("must be a day like 2026-12-31")},
    )
    description = forms.CharField(label=gettext_lazy("What is to be done"), max_length=200, required=False)
