"""Forms of the pairing, five-small and exhibition pages. The rules are the services'; these
forms only read what was typed (and turn authors' names into the unit's members)."""

from __future__ import annotations

from decimal import Decimal
from functools import reduce
from operator import or_
from typing import Any

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gonghui.core.forms import DateInput, DateTimeInput
from gonghui.core.models import Org
from gonghui.innovation.models import (
    ActivityKind,
    FiveSmallKind,
    FiveSmallResult,
    OutcomeKind,
    PatentKind,
    VisitSlot,
)
from gonghui.orgs.models import Enterprise, Ownership, Person
from gonghui.orgs.selectors import current_members_matching
from gonghui.scoring import engine

TIERS = (
    ("first", _("First prize"), 3),
    ("second", _("Second prize"), 6),
    ("third", _("Third prize"), 10),
)
AWARD_LABELS = {name: label for name, label, _count in TIERS} | {engine.MERIT: _("Merit award")}
MONEY = {"max_digits": 14, "decimal_places": 2, "min_value": Decimal(0)}


def _orgs(field: forms.Field, orgs: list[Org]) -> None:
    field.queryset = Org.objects.filter(pk__in=[o.pk for o in orgs]).order_by("path")  # type: ignore[attr-defined]  # ModelChoiceField


class EnterpriseChoice(forms.ModelChoiceField):  # type: ignore[type-arg]  # untyped in stubs
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name}（{obj.union.name}）"


class PairingForm(forms.Form):
    org = forms.ModelChoiceField(
        label=_("Recorded by"), queryset=Org.objects.none(), empty_label=None
    )
    state_enterprise = EnterpriseChoice(
        label=_("State-owned enterprise"), queryset=Enterprise.objects.none()
    )
    private_enterprise = EnterpriseChoice(
        label=_("Private enterprise"), queryset=Enterprise.objects.none()
    )
    signed_on = forms.DateField(label=_("Signed on"), widget=DateInput())
    areas = forms.CharField(
        label=_("Areas of co-operation"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For example: labour competitions, proposal drives, studio building."),
    )

    def __init__(self, *args: Any, orgs: list[Org], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _orgs(self.fields["org"], orgs)
        below = reduce(or_, (Q(union__path__startswith=o.path) for o in orgs), Q(pk__in=[]))
        firms = Enterprise.objects.filter(below).select_related("union").order_by("name")
        for name, ownership in (
            ("state_enterprise", Ownership.STATE),
            ("private_enterprise", Ownership.PRIVATE),
        ):
            self.fields[name].queryset = firms.filter(ownership=ownership)  # type: ignore[attr-defined]  # ModelChoiceField


class PlanItemForm(forms.Form):
    text = forms.CharField(label=_("Plan item"), max_length=200)
    owner = forms.CharField(label=_("Owner"), max_length=60)
    due_on = forms.DateField(label=_("Due on"), widget=DateInput())


class ActivityForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of activity"), choices=ActivityKind.choices)
    held_on = forms.DateField(label=_("Held on"), widget=DateInput())
    note = forms.CharField(label=_("Note"), max_length=200, required=False)


class OutcomeForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of outcome"), choices=OutcomeKind.choices)
    count = forms.IntegerField(label=_("Count"), min_value=1, max_value=10000, initial=1)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)


class RoundForm(forms.Form):
    org = forms.ModelChoiceField(
        label=_("Organised by"), queryset=Org.objects.none(), empty_label=None
    )
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    title = forms.CharField(label=_("Title"), max_length=200)
    first = forms.IntegerField(label=_("First prizes"), min_value=0, max_value=1000, initial=3)
    second = forms.IntegerField(label=_("Second prizes"), min_value=0, max_value=1000, initial=6)
    third = forms.IntegerField(label=_("Third prizes"), min_value=0, max_value=1000, initial=10)
    merit = forms.IntegerField(
        label=_("Merit awards at most"),
        min_value=0,
        max_value=1000,
        required=False,
        help_text=_("Empty: every result ranked in the top half without a prize (R19)."),
    )

    def __init__(self, *args: Any, orgs: list[Org], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _orgs(self.fields["org"], orgs)

    def prize_table(self) -> list[engine.PrizeTier]:
        return [engine.PrizeTier(name, self.cleaned_data[name]) for name, _l, _c in TIERS]


class ResultForm(forms.Form):
    unit = forms.ModelChoiceField(
        label=_("Unit union"), queryset=Org.objects.none(), required=False
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=FiveSmallKind.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    authors = forms.CharField(
        label=_("Authors"),
        max_length=200,
        required=False,
        help_text=_("Names of members of the unit, separated by commas."),
    )
    problem = forms.CharField(label=_("Problem solved"), widget=forms.Textarea(attrs={"rows": 3}))
    solution = forms.CharField(label=_("Solution"), widget=forms.Textarea(attrs={"rows": 4}))
    in_use_at = forms.CharField(
        label=_("Where it is in use"),
        max_length=200,
        required=False,
        help_text=_("R14: a result must already be in use."),
    )
    in_use_since = forms.DateField(label=_("In use since"), widget=DateInput(), required=False)
    benefit_yuan = forms.DecimalField(label=_("Benefit claimed (yuan a year)"), **MONEY)  # type: ignore[arg-type]  # kwargs typed loosely
    benefit_text = forms.CharField(
        label=_("Benefit described"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    resubmission_of = forms.IntegerField(
        label=_("Resubmission of result no."),
        min_value=1,
        required=False,
        help_text=_("If this result was entered in an earlier year, its number."),
    )
    attachment = forms.FileField(
        label=_("Attachment (PDF, PNG or JPEG)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.png,.jpg,.jpeg"}),
    )

    def __init__(self, *args: Any, units: list[Org], own: Person | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.own = own
        if units:
            _orgs(self.fields["unit"], units)
            self.fields["unit"].required = own is None
            self.fields["authors"].required = own is None
            if own is not None:
                self.fields["unit"].help_text = _("Empty: a result of your own.")
        else:
            del self.fields["unit"]
        if own is not None:
            self.fields["authors"].label = _("Co-authors")

    def people(self, unit: Org, *, include_own: bool) -> list[Person]:
        """The authors typed, as current members of the unit (and the worker themself when
        it is their own result); an unknown or ambiguous name is a form error."""
        typed = self.cleaned_data.get("authors", "").replace("，", ",").replace("、", ",")
        people: list[Person] = [self.own] if include_own and self.own is not None else []
        for name in (n.strip() for n in typed.split(",")):
            if not name or any(p.name == name for p in people):
                continue
            found = current_members_matching(Q(org=unit), name)
            if len(found) != 1:
                self.add_error(
                    "authors",
                    _("%(name)s: no single current member of %(unit)s by this name.")
                    % {"name": name, "unit": unit.name},
                )
                continue
            people.append(found[0])
        return people


class PledgeForm(forms.Form):
    pledge = forms.BooleanField(
        label=_(
            "On behalf of the unit union: this result is genuine, is the authors' own work and "
            "is in use as described."
        )
    )


class AttachmentForm(forms.Form):
    attachment = forms.FileField(
        label=_("Attachment (PDF, PNG or JPEG)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.png,.jpg,.jpeg"}),
    )


class PatentForm(forms.Form):
    number = forms.CharField(label=_("Patent number"), max_length=40)
    kind = forms.ChoiceField(label=_("Kind of patent"), choices=PatentKind.choices)
    granted_on = forms.DateField(label=_("Granted on"), widget=DateInput())


class ValueForm(forms.Form):
    value = forms.DecimalField(label=_("Value created (yuan)"), **MONEY)  # type: ignore[arg-type]  # kwargs typed loosely
    note = forms.CharField(label=_("How it was assessed"), max_length=200, required=False)


class ExhibitionForm(forms.Form):
    org = forms.ModelChoiceField(
        label=_("Organised by"), queryset=Org.objects.none(), empty_label=None
    )
    title = forms.CharField(label=_("Title"), max_length=200)
    venue = forms.CharField(label=_("Exhibition venue"), max_length=200)
    starts_on = forms.DateField(label=_("Opens on"), widget=DateInput())
    ends_on = forms.DateField(label=_("Closes on"), widget=DateInput())
    capacity = forms.IntegerField(
        label=_("Visitors per batch"), min_value=1, max_value=10000, initial=50
    )

    def __init__(self, *args: Any, orgs: list[Org], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _orgs(self.fields["org"], orgs)


class ResultChoice(forms.ModelChoiceField):  # type: ignore[type-arg]  # untyped in stubs
    def label_from_instance(self, obj: Any) -> str:
        award = AWARD_LABELS.get(obj.award, "")
        label = f"{obj.round.year} · {obj.title}（{obj.unit.name}）"
        return f"{label} · {award}" if award else label


class ExhibitItemForm(forms.Form):
    result = ResultChoice(label=_("Five-small result"), queryset=FiveSmallResult.objects.none())

    def __init__(self, *args: Any, candidates: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["result"].queryset = candidates  # type: ignore[attr-defined]  # ModelChoiceField


class SlotForm(forms.Form):
    starts_at = forms.DateTimeField(label=_("Batch starts at"), widget=DateTimeInput())
    capacity = forms.IntegerField(
        label=_("Visitors"),
        min_value=1,
        max_value=10000,
        required=False,
        help_text=_("Empty: the exhibition's visitors per batch."),
    )


class SlotChoice(forms.ModelChoiceField):  # type: ignore[type-arg]  # untyped in stubs
    def label_from_instance(self, obj: Any) -> str:
        from django.utils import timezone

        when = timezone.localtime(obj.starts_at).strftime("%Y-%m-%d %H:%M")
        return str(_("%(when)s · %(free)s places left")) % {"when": when, "free": obj.free}


class BookingForm(forms.Form):
    slot = SlotChoice(label=_("Batch"), queryset=VisitSlot.objects.none(), empty_label=None)
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=Org.objects.none(), empty_label=None)
    visitors = forms.IntegerField(label=_("Visitors"), min_value=1, max_value=10000)

    def __init__(self, *args: Any, slots: Any, units: list[Org], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["slot"].queryset = slots  # type: ignore[attr-defined]  # ModelChoiceField
        _orgs(self.fields["unit"], units)
