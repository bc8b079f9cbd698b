"""Forms of the studio and alliance pages. They parse and check shapes; every rule is the
services' (R15), whose refusals come back as messages."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gonghui.core.models import Org
from gonghui.innovation.models import (
    ProjectKind,
    RequestKind,
    RequestState,
    ReviewOutcome,
    StudioField,
    StudioLevel,
    StudioState,
    SubsidyKind,
)
from gonghui.orgs.models import Person


def _any(choices: Sequence[tuple[str, object]]) -> list[tuple[str, object]]:
    return [("", _("All")), *choices]


def _this_year() -> int:
    return timezone.localdate().year


class StudioFilterForm(forms.Form):
    level = forms.ChoiceField(label=_("Level"), required=False, choices=_any(StudioLevel.choices))
    field = forms.ChoiceField(label=_("Field"), required=False, choices=_any(StudioField.choices))
    state = forms.ChoiceField(label=_("State"), required=False, choices=_any(StudioState.choices))
    q = forms.CharField(label=_("Name or union"), required=False, max_length=60)


class StudioProposeForm(forms.Form):
    org = forms.ModelChoiceField(label=_("Host enterprise union"), queryset=Org.objects.none())
    name = forms.CharField(label=_("Studio name"), max_length=120)
    level = forms.ChoiceField(label=_("Level"), choices=StudioLevel.choices)
    field = forms.ChoiceField(label=_("Field"), choices=StudioField.choices)
    leader = forms.ModelChoiceField(
        label=_("Leader"),
        queryset=Person.objects.none(),
        help_text=_(
            "R15: at least a city model-worker title, a May-Day labour medal or a recognised "
            "craftsman title."
        ),
    )
    premises = forms.CharField(label=_("Premises"), max_length=200, required=False)


class ProjectForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100, initial=_this_year)
    title = forms.CharField(label=_("Title"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=ProjectKind.choices)
    outcome = forms.CharField(
        label=_("Outcome"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    value_created = forms.DecimalField(
        label=_("Value created (yuan)"),
        max_digits=14,
        decimal_places=2,
        min_value=Decimal(0),
        initial=Decimal(0),
    )
    patents = forms.IntegerField(label=_("Patents"), min_value=0, max_value=999, initial=0)


class SubsidyForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100, initial=_this_year)
    kind = forms.ChoiceField(label=_("Kind"), choices=SubsidyKind.choices)


class ReviewRoundForm(forms.Form):
    org = forms.ModelChoiceField(label=_("Studios under"), queryset=Org.objects.none())
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100, initial=_this_year)


class OutcomeForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=ReviewOutcome.choices)
    fix_by = forms.DateField(
        label=_("Fix by"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    to_fix = forms.CharField(label=_("What to fix"), required=False, max_length=2000)


class HelpForm(forms.Form):
    org = forms.ModelChoiceField(label=_("Asking for"), queryset=Org.objects.none())
    kind = forms.ChoiceField(label=_("Kind of help"), choices=RequestKind.choices)
    description = forms.CharField(
        label=_("What is needed"), max_length=4000, widget=forms.Textarea(attrs={"rows": 4})
    )
    contact = forms.CharField(label=_("Contact person and phone"), max_length=60, required=False)


class RequestFilterForm(forms.Form):
    state = forms.ChoiceField(label=_("State"), required=False, choices=_any(RequestState.choices))


class AssignForm(forms.Form):
    assignee = forms.ChoiceField(label=_("Assign to"), choices=())


class CloseForm(forms.Form):
    # Not required here: the service refuses a close without an outcome, naming why.
    outcome = forms.CharField(
        label=_("Outcome"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class SeatForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[
            ("ordinary", _("Accept")),
            ("core", _("Accept as core member")),
            ("refuse", _("Refuse")),
        ]
    )
