"""The forms of the selection rounds, consultations, on-site sessions and verdicts. They check the shape
of the input; the services check the rest (and every field again)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from banshi.directory.models import Agency, Area
from banshi.projects.models import Candidate, Comment, Project, Round, Verdict
from banshi.ui.forms import NamedErrorsForm

if TYPE_CHECKING:
    from django.db.models import QuerySet
    from django_stubs_ext import StrOrPromise


class ProposalForm(NamedErrorsForm):
    title = forms.CharField(label=_("Title"), max_length=120)
    text = forms.CharField(label=_("What should be done, and why"), max_length=4000, widget=forms.Textarea)


class ModerateForm(NamedErrorsForm):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("accept", _("Accept")), ("reject", _("Reject"))],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(label=_("Note to the author"), max_length=300, required=False)


class CandidateForm(NamedErrorsForm):
    name = forms.CharField(label=_("Name"), max_length=200)
    description = forms.CharField(label=_("Description"), max_length=4000, widget=forms.Textarea)
    cost = forms.DecimalField(label=_("Cost (yuan)"), min_value=0, max_digits=16, decimal_places=2)
    completion_date = forms.DateField(
        label=_("To be completed by"), widget=forms.DateInput(attrs={"type": "date"})
    )
    proposal = forms.IntegerField(required=False, widget=forms.HiddenInput)


class AdvanceForm(NamedErrorsForm):
    to = forms.ChoiceField(choices=Round.Phase.choices, widget=forms.HiddenInput)


class SurveyForm(NamedErrorsForm):
    """One question per candidate: support, no view or oppose."""

    def __init__(
        self, *args: Any, candidates: list[Candidate], choices: list[tuple[str, str]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        for candidate in candidates:
            self.fields[f"c{candidate.pk}"] = forms.ChoiceField(
                label=candidate.name, choices=choices, widget=forms.RadioSelect
            )

    def answers(self) -> dict[str, str]:
        return {name[1:]: value for name, value in self.cleaned_data.items()}


class BallotForm(NamedErrorsForm):
    choices = forms.MultipleChoiceField(
        label=_("Your choices"), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, candidates: list[Candidate], places: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.MultipleChoiceField, self.fields["choices"])
        field.choices = [(str(candidate.pk), candidate.name) for candidate in candidates]
        field.help_text = _("Choose at most %(places)d. Choosing none casts a blank paper.") % {
            "places": places
        }


class CommentForm(NamedErrorsForm):
    stance = forms.ChoiceField(
        label=_("Do you agree with the draft?"), choices=Comment.Stance.choices, widget=forms.RadioSelect
    )
    text = forms.CharField(label=_("Your comment"), max_length=2000, widget=forms.Textarea)


class ReplyForm(NamedErrorsForm):
    reply = forms.CharField(label=_("Reply"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))


class FinaliseForm(NamedErrorsForm):
    final_plan = forms.CharField(label=_("Final plan"), max_length=20000, widget=forms.Textarea)
    changes = forms.CharField(label=_("What the opinions changed"), max_length=20000, widget=forms.Textarea)


class FileForm(forms.Form):
    file = forms.FileField(label=_("A document (PDF) or an image (JPEG or PNG)"))


class SessionProblemForm(NamedErrorsForm):
    problem = forms.CharField(
        label=_("Problem raised"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    answer = forms.CharField(
        label=_("Answer given"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class FileProblemForm(forms.Form):
    category = forms.ChoiceField(label=_("Category"))

    def __init__(self, *args: Any, categories: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.ChoiceField, self.fields["category"])
        field.choices = categories


class VerdictForm(NamedErrorsForm):
    rating = forms.ChoiceField(
        label=_("Your verdict"), choices=Verdict.Rating.choices, widget=forms.RadioSelect
    )


def _moment(label: StrOrPromise) -> forms.DateTimeField:
    return forms.DateTimeField(label=label, widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))


class _Organised(NamedErrorsForm):
    """A form of the staff's, whose organiser is one of the units they may organise for."""

    organiser = forms.ModelChoiceField(label=_("Organising unit"), queryset=Agency.objects.none())
    area = forms.ModelChoiceField(
        label=_("District or county"),
        queryset=Area.objects.filter(kind__in=(Area.Kind.DISTRICT, Area.Kind.COUNTY)).order_by("code"),
        required=False,
    )

    def __init__(self, *args: Any, organisers: QuerySet[Agency], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["organiser"]).queryset = organisers


class RoundForm(_Organised):
    title = forms.CharField(label=_("Title"), max_length=200)
    level = forms.ChoiceField(label=_("Level"), choices=Project.Level.choices)
    year = forms.IntegerField(label=_("Year of the projects"), min_value=2000, max_value=2100)
    places = forms.IntegerField(label=_("Places"), min_value=1, max_value=100)
    threshold = forms.ChoiceField(
        label=_("A candidate passes with more than"),
        choices=[
            ("1/2", _("half of the deputies present")),
            ("2/3", _("two thirds of the deputies present")),
        ],
    )
    survey_residents_only = forms.BooleanField(
        label=_("Only residents of the area answer the survey"), required=False
    )
    proposals_close_at = _moment(_("Proposals close at"))
    survey_opens_at = _moment(_("Survey opens at"))
    survey_closes_at = _moment(_("Survey closes at"))
    vote_opens_at = _moment(_("Vote opens at"))
    vote_closes_at = _moment(_("Vote closes at"))


class ConsultationForm(_Organised):
    title = forms.CharField(label=_("Title"), max_length=200)
    draft = forms.CharField(label=_("Draft plan"), max_length=20000, widget=forms.Textarea)
    opens_at = _moment(_("Opens at"))
    closes_at = _moment(_("Closes at"))
    project = forms.ModelChoiceField(
        label=_("Project"),
        queryset=Project.objects.order_by("-year", "name"),
        required=False,
        widget=forms.NumberInput,
        help_text=_("The number of the project in the register, if any."),
    )


class SessionForm(_Organised):
    title = forms.CharField(label=_("Title"), max_length=200)
    place = forms.CharField(label=_("Where"), max_length=200)
    held_at = _moment(_("When"))
    units = forms.ModelMultipleChoiceField(
        label=_("Units present"),
        queryset=Agency.objects.order_by("code"),
        widget=forms.CheckboxSelectMultiple,
    )
    project = forms.ModelChoiceField(
        label=_("Project"),
        queryset=Project.objects.order_by("-year", "name"),
        required=False,
        widget=forms.NumberInput,
        help_text=_("The number of the project in the register, if any."),
    )
