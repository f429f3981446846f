"""The forms of the lecture programmes' pages. They only shape the input: every rule (a positive quota,
a speaker never double-booked, the check-in window) is the services'."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any, cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from banshi.outreach.models import Lecture, Programme, Quota, Speaker, VenueKind
from banshi.outreach.photos_lectures import MAX_PHOTOS
from banshi.ui.forms import NamedErrorsForm, SmsCodeField


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault(
            "widget", MultipleFileInput(attrs={"accept": "image/jpeg,image/png", "multiple": True})
        )
        super().__init__(**kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        files = [file for file in (data if isinstance(data, list | tuple) else [data]) if file]
        if len(files) > MAX_PHOTOS:
            raise forms.ValidationError(_("can be at most %(count)d photos") % {"count": MAX_PHOTOS})
        return files


class ProgrammeForm(NamedErrorsForm):
    unit = forms.ChoiceField(label=_("Organiser unit"))
    name = forms.CharField(label=_("Name"), max_length=100)
    description = forms.CharField(
        label=_("Description"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    venue_kinds = forms.MultipleChoiceField(
        label=_("Kinds of venue it must reach"),
        choices=VenueKind.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    starts_on = forms.DateField(label=_("Starts on"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: Any, units: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["unit"]).choices = units


class SpeakerForm(NamedErrorsForm):
    name = forms.CharField(label=_("Name"), max_length=40)
    kind = forms.ChoiceField(label=_("Kind of speaker"), choices=[("", "—"), *Speaker.Kind.choices])
    home_unit = forms.CharField(label=_("Home unit"), max_length=100)
    topics = forms.CharField(label=_("Topics"), max_length=200, required=False)


class QuotaForm(NamedErrorsForm):
    kind = forms.ChoiceField(label=_("Quota"), choices=Quota.Kind.choices)
    # Text, not a number field: the service says why zero or a negative number is refused.
    minimum = forms.CharField(
        label=_("At least"),
        max_length=6,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "width-5"}),
    )


class LectureForm(NamedErrorsForm):
    speaker = forms.ChoiceField(label=_("Speaker"))
    topic = forms.CharField(label=_("Topic"), max_length=120)
    day = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    start = forms.TimeField(label=_("Starts at"), widget=forms.TimeInput(attrs={"type": "time"}))
    end = forms.TimeField(label=_("Ends at"), widget=forms.TimeInput(attrs={"type": "time"}))
    venue_kind = forms.ChoiceField(label=_("Kind of venue"))
    venue_name = forms.CharField(label=_("Venue"), max_length=100)
    area = forms.ChoiceField(label=_("Area (street or community)"))
    address = forms.CharField(label=_("Address"), max_length=200)
    latitude = forms.CharField(label=_("Latitude"), max_length=20, required=False)
    longitude = forms.CharField(label=_("Longitude"), max_length=20, required=False)
    capacity = forms.CharField(
        label=_("Seats"),
        max_length=7,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "width-5"}),
    )

    def __init__(self, *args: Any, programme: Programme, areas: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["speaker"]).choices = [("", "—")] + [
            (str(speaker.pk), f"{speaker.name} · {speaker.get_kind_display()}")
            for speaker in programme.speakers.all()
        ]
        labels = dict(VenueKind.choices)
        cast(forms.ChoiceField, self.fields["venue_kind"]).choices = [("", "—")] + [
            (kind, labels[kind]) for kind in programme.venue_kinds
        ]
        cast(forms.ChoiceField, self.fields["area"]).choices = [("", "—"), *areas]

    @staticmethod
    def moment(day: date | None, at: time | None) -> datetime | None:
        if day is None or at is None:
            return None
        return timezone.make_aware(datetime.combine(day, at), timezone.get_default_timezone())


class CancelForm(NamedErrorsForm):
    reason = forms.CharField(label=_("Why it is cancelled"), max_length=300)


class CloseForm(NamedErrorsForm):
    summary = forms.CharField(label=_("Summary"), max_length=4000, widget=forms.Textarea(attrs={"rows": 4}))
    walk_ins = forms.CharField(
        label=_("Walk-ins not checked in"),
        max_length=7,
        initial="0",
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "width-5"}),
    )
    photos = PhotosField(
        label=_("Photos"),
        required=False,
        help_text=_("Up to 9 photos, JPEG or PNG. Their location data is removed."),
    )


class PhoneForm(NamedErrorsForm):
    phone = forms.CharField(
        label=_("Mobile number"),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )


class CodeForm(PhoneForm):
    code = SmsCodeField(label=_("Code from the text message"))


class RatingForm(NamedErrorsForm):
    stars = forms.ChoiceField(
        label=_("Your rating"), choices=[(str(n), str(n)) for n in range(5, 0, -1)], widget=forms.RadioSelect
    )
    comment = forms.CharField(label=_("Comment"), max_length=300, required=False)


LECTURE_STATUS_LABELS = dict(Lecture.Status.choices)
