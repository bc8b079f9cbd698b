"""Forms of the orgs pages. Bad input re-renders the form with the field's message."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gonghui.core.forms import DateInput, HoneypotField
from gonghui.core.models import Org
from gonghui.orgs.models import (
    ImportMode,
    MembershipState,
    NewEmploymentForm,
)
from gonghui.orgs.roster.reading import FIELDS
from gonghui.orgs.services import person_fields_check

FIELD_LABELS = {name: aliases[0] for name, aliases in FIELDS.items()}


class MemberFilterForm(forms.Form):
    q = forms.CharField(label=_("Name or ID number"), required=False, max_length=40)
    org = forms.ModelChoiceField(label=_("Union"), queryset=Org.objects.none(), required=False)
    state = forms.ChoiceField(
        label=_("State"),
        required=False,
        choices=[("current", _("Current members")), ("", _("All")), *list(MembershipState.choices)],
    )
    new_form = forms.ChoiceField(
        label=_("New employment form"),
        required=False,
        choices=[("", _("All")), ("any", _("Any new form"))]
        + [c for c in NewEmploymentForm.choices if c[0]],
    )
    skill_grade = forms.TypedChoiceField(
        label=_("Skill grade"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", _("All"))] + [(str(g), str(g)) for g in range(1, 6)],
    )


class JoinForm(forms.Form):
    """A worker's online application (R3)."""

    name = forms.CharField(label=_("Name"), max_length=40)
    id_number = forms.CharField(label=_("Resident ID number"), max_length=18, min_length=18)
    phone = forms.RegexField(
        label=_("Mobile phone"),
        regex=r"^1\d{10}$",
        error_messages={"invalid": _("Enter an 11-digit mobile number.")},
    )
    employer_name = forms.CharField(label=_("Employer"), max_length=120, required=False)
    new_employment_form = forms.ChoiceField(
        label=_("New employment form"), choices=NewEmploymentForm.choices, required=False
    )
    platform = forms.CharField(
        label=_("Platform"),
        max_length=40,
        required=False,
        help_text=_("For couriers and riders: the company or app."),
    )
    union = forms.ModelChoiceField(label=_("Union to join"), queryset=Org.objects.none())
    website = HoneypotField()

    def clean_id_number(self) -> str:
        value: str = self.cleaned_data["id_number"]
        number, _sex, _birth = person_fields_check(value)
        return number


class RefuseForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (the applicant sees it)"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class TransferForm(forms.Form):
    to_org = forms.ModelChoiceField(label=_("Transfer to"), queryset=Org.objects.none())
    on = forms.DateField(label=_("Effective date"), widget=DateInput())
    reason = forms.CharField(label=_("Reason"), max_length=200, required=False)


class EndForm(forms.Form):
    state = forms.ChoiceField(
        label=_("How it ends"),
        choices=[
            (MembershipState.RETAINED, _("Retain (retired or unemployed)")),
            (MembershipState.WITHDRAWN, _("Withdrawn")),
            (MembershipState.EXPELLED, _("Expelled")),
        ],
    )
    reason = forms.CharField(label=_("Reason"), max_length=500)
    on = forms.DateField(label=_("Effective date"), required=False, widget=DateInput())

    def clean_on(self) -> Any:
        day = self.cleaned_data.get("on")
        if day is not None and day > timezone.localdate():
            raise ValidationError(_("The date cannot be in the future."))
        return day


class UploadForm(forms.Form):
    org = forms.ModelChoiceField(label=_("Union"), queryset=Org.objects.none())
    file = forms.FileField(label=_("Roster file (.xlsx, .xls or .csv)"))


class MappingForm(forms.Form):
    """One select per column of the uploaded file: which of our fields it holds."""

    def __init__(
        self, *args: Any, headers: list[str], mapping: dict[str, str], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        choices = [("", _("(ignore this column)")), *list(FIELD_LABELS.items())]
        for index, header in enumerate(headers):
            self.fields[f"col_{index}"] = forms.ChoiceField(
                label=header or _("Column %(n)d") % {"n": index + 1},
                choices=choices,
                required=False,
                initial=mapping.get(str(index), ""),
            )

    def mapping(self) -> dict[str, str]:
        return {
            name[4:]: value for name, value in self.cleaned_data.items() if name.startswith("col_")
        }


class CommitForm(forms.Form):
    mode = forms.ChoiceField(
        label=_("How to import"), choices=ImportMode.choices, widget=forms.RadioSelect
    )


class OrgForm(forms.ModelForm):  # type: ignore[type-arg]  # generic only in the stubs
    """An org's own details; the tree position (parent, kind, code) is not edited here."""

    class Meta:
        model = Org
        fields = [
            "name",
            "chair_name",
            "contact_name",
            "contact_phone",
            "address",
            "join_decision_days",
        ]


class SubOrgForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    code = forms.CharField(label=_("Code"), max_length=32)
    kind = forms.ChoiceField(label=_("Kind"), choices=[])


class StatusForm(forms.Form):
    """Where an application stands: the applicant gives their name and ID number, both."""

    name = forms.CharField(label=_("Name"), max_length=40)
    id_number = forms.CharField(label=_("Resident ID number"), max_length=18, min_length=18)
