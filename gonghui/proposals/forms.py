"""The forms of proposals' pages; every rule lives in the services, these only parse."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.db.models import Q
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gonghui.core.models import Org, User
from gonghui.core.money import yuan
from gonghui.core.permissions import Perm
from gonghui.core.scoping import org_scope_q
from gonghui.orgs.models import Person
from gonghui.orgs.selectors import current_members_matching
from gonghui.proposals.models import BenefitKind, Field, Outcome, Stage
from gonghui.proposals.services.lifecycle import ProposalData, current_union


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".pdf,.png,.jpg,.jpeg"}))
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        if not data:
            return []
        files = data if isinstance(data, list | tuple) else [data]
        return [super(MultipleFileField, self).clean(f, initial) for f in files]


class ProposalForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    field = forms.ChoiceField(label=_("Field"), choices=Field.choices)
    problem = forms.CharField(
        label=_("The problem"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What goes wrong now, where, and how often."),
    )
    suggestion = forms.CharField(
        label=_("Your suggestion"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("What should be done, step by step."),
    )
    expected_benefit = forms.CharField(
        label=_("Expected benefit"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Money saved or earned, time, safety, quality: estimate if you can."),
    )
    co_proposers = forms.CharField(
        label=_("Joint proposers (optional)"),
        required=False,
        max_length=300,
        help_text=_("Names of members of your union, separated by commas."),
    )
    attachments = MultipleFileField(
        label=_("Attachments (optional)"),
        required=False,
        help_text=_("Photos or drawings: PDF, PNG or JPEG, up to 5 files of 5 MB."),
    )

    not_member = _("%(name)s is not a member of your union.")
    several = _("Several members of your union are named %(name)s; ask your union to add them.")

    def __init__(self, *args: Any, union: Org | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.union = union
        self.people: list[Person] = []

    def clean_co_proposers(self) -> str:
        text: str = self.cleaned_data.get("co_proposers", "")
        names = [n.strip() for n in re.split(r"[,，、;；\s]+", text) if n.strip()]
        self.people = []
        errors = []
        union = self.union.name if self.union else ""
        for name in dict.fromkeys(names):
            found = current_members_matching(Q(org=self.union), name)
            if not found:
                errors.append(self.not_member % {"name": name, "union": union})
            elif len(found) > 1:
                errors.append(self.several % {"name": name, "union": union})
            else:
                self.people.append(found[0])
        if errors:
            raise forms.ValidationError(errors)
        return text

    def data_obj(self) -> ProposalData:
        d = self.cleaned_data
        return ProposalData(
            title=d["title"],
            problem=d["problem"],
            suggestion=d["suggestion"],
            expected_benefit=d["expected_benefit"],
            field=d["field"],
        )


class StaffProposalForm(ProposalForm):
    """The same proposal, filed by union staff for a worker: the lead proposer is found among
    the current members of the unions the actor serves, by name or resident ID number."""

    lead = forms.CharField(
        label=_("Lead proposer"),
        max_length=40,
        help_text=_(
            "The worker's name, or the resident ID number when several members share the name."
        ),
    )
    field_order = ["lead"]
    not_member = _("%(name)s is not a member of %(union)s.")
    several = _("Several members of %(union)s are named %(name)s; add them one at a time.")

    def __init__(self, *args: Any, actor: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.actor = actor
        self.lead_person: Person | None = None
        self.fields["co_proposers"].help_text = _(
            "Names of members of the lead proposer's union, separated by commas."
        )
        self.fields["suggestion"].label = _("The suggestion")

    def clean_lead(self) -> str:
        text: str = self.cleaned_data["lead"].strip()
        found = current_members_matching(org_scope_q(self.actor, Perm.CASE_OPEN), text)
        if not found:
            raise forms.ValidationError(
                _("%(name)s is not a current member of a union you serve.") % {"name": text}
            )
        if len(found) > 1:
            raise forms.ValidationError(
                _("Several members are named %(name)s; enter the resident ID number instead.")
                % {"name": text}
            )
        self.lead_person = found[0]
        self.union = current_union(found[0])
        return text

    def clean_co_proposers(self) -> str:
        if self.union is None:  # the lead was not found: that message is enough
            text: str = self.cleaned_data.get("co_proposers", "")
            return text
        return super().clean_co_proposers()


MAX_TIERS = 20


@dataclass
class TierRow:
    min_value: str
    amount: str


class TierTableForm:
    """A reward table as typed: rows of (assessed value from, reward) in yuan. Blank rows are
    dropped and ticked ones removed; a row must have both amounts, as numbers. The rules of a
    table (a tier from 0, distinct thresholds, rewards above 0) are the service's."""

    def __init__(self, data: QueryDict | None = None, rows: list[TierRow] | None = None) -> None:
        self.errors: list[str] = []
        self.pairs: list[tuple[Decimal, Decimal]] = []
        if data is None:
            self.rows = rows or []
            return
        values = data.getlist("min_value")[:MAX_TIERS]
        amounts = data.getlist("amount")[:MAX_TIERS]
        removed = set(data.getlist("remove"))
        self.rows = []
        for n, (value, amount) in enumerate(zip(values, amounts, strict=False), start=1):
            value, amount = value.strip()[:20], amount.strip()[:20]
            if str(n) in removed or not (value or amount):
                continue
            self.rows.append(TierRow(value, amount))
        if len(data.getlist("min_value")) > MAX_TIERS:
            self.errors.append(_("At most %(n)d tiers.") % {"n": MAX_TIERS})

    def blank_row(self) -> None:
        if len(self.rows) < MAX_TIERS:
            self.rows.append(TierRow("", ""))

    def is_valid(self) -> bool:
        for n, row in enumerate(self.rows, start=1):
            if not (row.min_value and row.amount):
                self.errors.append(
                    _("Row %(n)d: enter both the assessed value and the reward.") % {"n": n}
                )
                continue
            try:
                self.pairs.append((yuan(row.min_value), yuan(row.amount)))
            except ValueError:
                self.errors.append(
                    _("Row %(n)d: enter amounts in yuan, such as 10000 or 200.50.") % {"n": n}
                )
        if not self.rows:
            self.errors.append(str(_("Enter at least one tier.")))
        return not self.errors


def _years() -> list[tuple[str, object]]:
    this = timezone.localdate().year
    return [("", _("All years")), *((str(y), str(y)) for y in range(this, this - 5, -1))]


class FilterForm(forms.Form):
    stage = forms.ChoiceField(
        label=_("Stage"), required=False, choices=[("", _("All stages")), *Stage.choices]
    )
    year = forms.TypedChoiceField(label=_("Year"), required=False, coerce=int, empty_value=None)
    q = forms.CharField(label=_("Title contains"), required=False, max_length=50)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = _years()  # type: ignore[attr-defined]  # ChoiceField


class DecideForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Decision"), choices=Outcome.choices)
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required to shelve or reject; the proposers read it."),
    )


class ImplementForm(forms.Form):
    implementing_org = forms.ModelChoiceField(
        label=_("Implementing unit"), queryset=Org.objects.none()
    )
    plan = forms.CharField(label=_("Plan"), widget=forms.Textarea(attrs={"rows": 3}))
    owner = forms.CharField(label=_("Person responsible"), max_length=60)
    due = forms.DateField(label=_("Due by"), widget=forms.DateInput(attrs={"type": "date"}))


class AssessForm(forms.Form):
    kind = forms.ChoiceField(label=_("Benefit"), choices=BenefitKind.choices)
    amount = forms.DecimalField(
        label=_("Amount (yuan)"), min_value=0, max_digits=14, decimal_places=2
    )
    note = forms.CharField(
        label=_("Assessment"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    evidence = forms.FileField(
        label=_("Evidence"),
        help_text=_("The acceptance report or the finance office's figures: PDF, PNG or JPEG."),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.png,.jpg,.jpeg"}),
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Fraud finding"), widget=forms.Textarea(attrs={"rows": 2}))


class BatchAddForm(forms.Form):
    batch = forms.ModelChoiceField(label=_("Batch"), queryset=Org.objects.none())
    opinion = forms.CharField(label=_("Recommendation"), required=False, max_length=300)


class HeldAtForm(forms.Form):
    """A round or a batch: where, which year, its title."""

    org = forms.ModelChoiceField(label=_("Organisation"), queryset=Org.objects.none())
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    title = forms.CharField(label=_("Title"), max_length=200)
