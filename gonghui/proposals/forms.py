"""The forms of proposals' pages; every rule lives in the services, these only parse."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gonghui.core.models import Org
from gonghui.orgs.models import CURRENT_STATES, Person
from gonghui.proposals.models import BenefitKind, Field, Outcome, Stage
from gonghui.proposals.services.lifecycle import ProposalData


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

    def __init__(self, *args: Any, union: Org | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.union = union
        self.people: list[Person] = []

    def clean_co_proposers(self) -> str:
        text: str = self.cleaned_data.get("co_proposers", "")
        names = [n.strip() for n in re.split(r"[,，、;；\s]+", text) if n.strip()]
        self.people = []
        errors = []
        for name in dict.fromkeys(names):
            found = list(
                Person.objects.filter(
                    name=name,
                    memberships__org=self.union,
                    memberships__state__in=CURRENT_STATES,
                )[:2]
            )
            if not found:
                errors.append(_("%(name)s is not a member of your union.") % {"name": name})
            elif len(found) > 1:
                errors.append(
                    _(
                        "Several members of your union are named %(name)s; "
                        "ask your union to add them."
                    )
                    % {"name": name}
                )
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
