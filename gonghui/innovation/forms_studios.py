"""Forms of the studio and alliance pages. They parse and check shapes; every rule is the
services' (R15), whose refusals come back as messages."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django import forms
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gonghui.core.models import Org
from gonghui.innovation.models import (
    AdvisorField,
    ProjectKind,
    RequestKind,
    RequestState,
    ReviewOutcome,
    StudioField,
    StudioLevel,
    StudioState,
    SubsidyKind,
    TitleKind,
    TitleLevel,
)
from gonghui.orgs.models import Person
from gonghui.orgs.selectors import ID_LIKE, current_members_matching


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


# --- Staff pages: titles, team, advisors, squads and subsidy rates (R15) ----------------------


def member_find(unions: QuerySet[Org], text: str) -> Person:
    """The current member of one of `unions` named by `text`: an ID number, or a name that
    only one of them carries. The message says which, so the user can try again."""
    text = text.strip()
    found = current_members_matching(Q(org__in=unions), text)
    if not found and ID_LIKE.match(text):
        raise forms.ValidationError(
            _("No current member of this union has that ID number."), code="missing"
        )
    if not found:
        raise forms.ValidationError(
            _("%(name)s is not a current member of this union.") % {"name": text}, code="missing"
        )
    if len(found) > 1:
        raise forms.ValidationError(
            _("Several members are named %(name)s: give the ID number instead.") % {"name": text},
            code="ambiguous",
        )
    return found[0]


def _person_field() -> forms.CharField:
    return forms.CharField(
        label=_("Member's name or ID number"),
        max_length=40,
        help_text=_("A name that several members share needs the ID number."),
    )


class _MemberPickForm(forms.Form):
    """A person picked among the current members of the unions the page allows; after
    cleaning, `picked` is that Person."""

    def __init__(self, *args: Any, unions: QuerySet[Org], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.unions = unions
        self.picked: Person | None = None

    def clean_person(self) -> str:
        text: str = self.cleaned_data["person"]
        union = self.cleaned_data.get("union") if "union" in self.fields else None
        self.picked = member_find(
            self.unions.filter(pk=union.pk) if union is not None else self.unions, text
        )
        return text


class TitleForm(_MemberPickForm):
    union = forms.ModelChoiceField(label=_("Union"), queryset=Org.objects.none())
    person = _person_field()
    kind = forms.ChoiceField(label=_("Honour"), choices=TitleKind.choices)
    level = forms.ChoiceField(label=_("Level"), choices=TitleLevel.choices)
    year = forms.IntegerField(label=_("Year awarded"), min_value=1950, max_value=2100)

    def __init__(self, *args: Any, unions: QuerySet[Org], **kwargs: Any) -> None:
        super().__init__(*args, unions=unions, **kwargs)
        union_field: Any = self.fields["union"]
        union_field.queryset = unions

    def clean_year(self) -> int:
        year: int = self.cleaned_data["year"]
        if year > _this_year():
            raise forms.ValidationError(_("A title is recorded once it is awarded."))
        return year


class TeamMemberForm(_MemberPickForm):
    person = _person_field()
    role = forms.CharField(label=_("Role in the team"), max_length=40, required=False)


class AdvisorForm(_MemberPickForm):
    person = _person_field()
    field = forms.ChoiceField(label=_("Field"), choices=AdvisorField.choices)
    note = forms.CharField(
        label=_("Title and work"),
        max_length=200,
        required=False,
        help_text=_("For example: senior engineer, patent attorney at a firm."),
    )


class SquadForm(forms.Form):
    name = forms.CharField(label=_("Squad name"), max_length=80)
    speciality = forms.CharField(label=_("Speciality"), max_length=80)
    leader = forms.CharField(label=_("Squad leader"), max_length=40, required=False)


class SubsidyRateForm(forms.Form):
    org = forms.ModelChoiceField(label=_("Set by"), queryset=Org.objects.none())
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100, initial=_this_year)
    kind = forms.ChoiceField(label=_("Kind"), choices=SubsidyKind.choices)
    amount = forms.DecimalField(
        label=_("Amount (yuan)"),
        max_digits=12,
        decimal_places=2,
        min_value=Decimal("0.01"),
    )
