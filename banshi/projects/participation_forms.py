"""The forms of the selection rounds, consultations, on-site sessions and verdicts. They check the shape
of the input; the services check the rest (and every field again)."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from banshi.projects.models import Candidate, Comment, Round, Verdict
from banshi.ui.forms import NamedErrorsForm


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
