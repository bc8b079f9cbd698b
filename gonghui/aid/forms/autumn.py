"""Forms of the golden-autumn pages: applying, the campaign with its tier table and district
budgets, the union's check, payments and donors."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from gonghui.aid.models import (
    Campaign,
    DocumentKind,
    DonorKind,
    OfferKind,
    SchoolStage,
    SchoolType,
)
from gonghui.aid.services import autumn
from gonghui.core.forms import DateInput
from gonghui.core.models import Org

ACCEPT = {"accept": "application/pdf,image/png,image/jpeg"}
# A date input takes ISO dates only; the Chinese locale's 2026/11/01 would show it empty.
DOCUMENT_HELP = _("PDF, PNG or JPEG, at most 5 MB; a phone photo will do.")


class ApplicationForm(forms.Form):
    """A worker's application for their child; the union's version adds the worker's ID."""

    campaign = forms.ModelChoiceField(
        label=_("Campaign"), queryset=Campaign.objects.none(), empty_label=None
    )
    student_name = forms.CharField(label=_("Student's name"), max_length=40)
    student_id_number = forms.CharField(
        label=_("Student's resident ID number"),
        max_length=18,
        min_length=18,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    # No stage is chosen for the applicant: a default would be sent unread.
    stage = forms.ChoiceField(
        label=_("School stage this autumn"),
        choices=[("", _("Choose the stage")), *SchoolStage.choices],
    )
    school = forms.CharField(label=_("School"), max_length=80)
    school_type = forms.ChoiceField(
        label=_("Kind of school or programme"), choices=SchoolType.choices
    )
    other_scheme = forms.ChoiceField(
        label=_("Already aided by another scheme this year?"), required=False, choices=()
    )
    phone = forms.RegexField(
        label=_("Mobile phone"),
        regex=r"^1\d{10}$",
        error_messages={"invalid": _("Enter an 11-digit mobile number.")},
        widget=forms.TextInput(attrs={"type": "tel", "inputmode": "tel", "autocomplete": "tel"}),
    )
    account_holder = forms.CharField(label=_("Account holder"), max_length=40)
    bank = forms.CharField(label=_("Bank and branch"), max_length=60)
    account_number = forms.RegexField(
        label=_("Bank card number"),
        regex=r"^[\d ]{12,30}$",
        error_messages={"invalid": _("Enter the card number: 12 to 30 digits.")},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    admission = forms.FileField(
        label=DocumentKind.ADMISSION.label,
        help_text=DOCUMENT_HELP,
        widget=forms.ClearableFileInput(attrs=ACCEPT),
    )
    fees = forms.FileField(
        label=DocumentKind.FEES.label,
        help_text=DOCUMENT_HELP,
        widget=forms.ClearableFileInput(attrs=ACCEPT),
    )
    income = forms.FileField(
        label=DocumentKind.INCOME.label,
        help_text=DOCUMENT_HELP,
        widget=forms.ClearableFileInput(attrs=ACCEPT),
    )

    def __init__(self, *args: Any, campaigns: list[Campaign], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["campaign"]
        field.queryset = Campaign.objects.filter(pk__in=[c.pk for c in campaigns])
        schemes = sorted({s for c in campaigns for s in c.scheme_list()})
        self.fields["other_scheme"].choices = [  # type: ignore[attr-defined]
            ("", _("No")),
            *[(s, s) for s in schemes],
        ]

    def student_data(self) -> autumn.StudentData:
        d = self.cleaned_data
        return autumn.StudentData(
            student_name=d["student_name"],
            student_id_number=d["student_id_number"],
            stage=d["stage"],
            school=d["school"],
            school_type=d["school_type"],
            other_scheme=d["other_scheme"],
            phone=d["phone"],
            account_holder=d["account_holder"],
            bank=d["bank"],
            account_number=d["account_number"],
        )

    def documents(self) -> dict[str, Any]:
        return {k: self.cleaned_data[k] for k in DocumentKind.values if self.cleaned_data.get(k)}


class OnBehalfForm(ApplicationForm):
    worker_id_number = forms.CharField(
        label=_("Worker's resident ID number"),
        max_length=18,
        min_length=18,
        help_text=_("The member of your union who applies for their child."),
    )

    field_order = ["campaign", "worker_id_number"]


class CheckForm(forms.Form):
    """The union's decision on an application it has checked."""

    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            ("forward", _("Checked: submit to the next level")),
            ("send_back", _("Send back to the applicant to correct")),
            ("reject", _("Reject")),
        ],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Reason the applicant sees"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("decision") in ("send_back", "reject") and not data.get("reason", "").strip():
            self.add_error("reason", _("Give the reason; the applicant will see it."))
        return data


class CampaignForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=120)
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    budget = forms.DecimalField(label=_("Budget (yuan)"), min_value=1, decimal_places=2)
    opens_on = forms.DateField(label=_("Applications open"), widget=DateInput())
    closes_on = forms.DateField(label=_("Applications close"), widget=DateInput())
    other_schemes = forms.CharField(
        label=_("Other aid schemes that exclude a student (one per line)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, districts: list[Org], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.districts = districts
        for stage, label in SchoolStage.choices:
            for on_file in (True, False):
                self.fields[self.tier_name(stage, on_file)] = forms.DecimalField(
                    label=f"{label} · {_('on file') if on_file else _('off file')}",
                    required=False,
                    min_value=1,
                    decimal_places=2,
                )
        for district in districts:
            self.fields[f"district_{district.pk}"] = forms.DecimalField(
                label=district.name, required=False, min_value=1, decimal_places=2
            )

    @staticmethod
    def tier_name(stage: str, on_file: bool) -> str:
        return f"tier_{stage}_{'on' if on_file else 'off'}"

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("opens_on") and data.get("closes_on") and data["closes_on"] < data["opens_on"]:
            self.add_error("closes_on", _("Applications close after they open."))
        return data

    def main_fields(self) -> list[forms.BoundField]:
        return [
            self[n] for n in ("title", "year", "budget", "opens_on", "closes_on", "other_schemes")
        ]

    def tier_rows(self) -> list[tuple[str, forms.BoundField, forms.BoundField]]:
        return [
            (str(label), self[self.tier_name(stage, True)], self[self.tier_name(stage, False)])
            for stage, label in SchoolStage.choices
        ]

    def district_fields(self) -> list[forms.BoundField]:
        return [self[f"district_{d.pk}"] for d in self.districts]

    def data_for_service(self) -> autumn.CampaignData:
        d = self.cleaned_data
        return autumn.CampaignData(
            title=d["title"],
            year=d["year"],
            budget=d["budget"],
            opens_on=d["opens_on"],
            closes_on=d["closes_on"],
            other_schemes=d["other_schemes"],
        )

    def tiers(self) -> dict[tuple[str, bool], Any]:
        return {
            (stage, on_file): self.cleaned_data.get(self.tier_name(stage, on_file))
            for stage in SchoolStage.values
            for on_file in (True, False)
        }

    def district_budgets(self) -> dict[Org, Any]:
        return {d: self.cleaned_data.get(f"district_{d.pk}") for d in self.districts}


class BankReferenceForm(forms.Form):
    bank_reference = forms.CharField(
        label=_("Bank's reference for the payment"),
        max_length=60,
        help_text=_(
            "From the bank's confirmation of the transfer. Once paid, an award is corrected "
            "only by a reversal."
        ),
    )


class ReverseForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for the reversal"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class DonorForm(forms.Form):
    name = forms.CharField(label=_("Name of the firm or person"), max_length=80)
    kind = forms.ChoiceField(label=_("Kind"), choices=DonorKind.choices)
    contact = forms.CharField(label=_("Contact"), max_length=80, required=False)
    pledged = forms.DecimalField(
        label=_("Pledged (yuan)"), min_value=0, decimal_places=2, required=False
    )


class PairingForm(forms.Form):
    application = forms.TypedChoiceField(label=_("Aided student"), coerce=int, choices=())
    yearly = forms.DecimalField(
        label=_("Support a year (yuan)"), min_value=0, decimal_places=2, required=False
    )
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def __init__(self, *args: Any, students: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.students = students
        # No student is chosen for the user: pairing the first in the list by a slip is worse
        # than being asked to choose.
        self.fields["application"].choices = [  # type: ignore[attr-defined]
            ("", _("Choose a student")),
            *students,
        ]


class OfferForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=OfferKind.choices)
    title = forms.CharField(label=_("Title"), max_length=80)
    places = forms.IntegerField(label=_("Places"), min_value=1, max_value=1000, initial=1)
    location = forms.CharField(label=_("Where"), max_length=80, required=False)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
