"""Forms of the hardship-file pages: the list's filters, opening a file with its household,
the re-check, closing, and the minimum-living lines (R8, R9)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from gonghui.aid.models import CloseReason, HardshipCategory, HardshipFile, Relation
from gonghui.aid.services.hardship import Finances, MemberData
from gonghui.core.models import Org
from gonghui.core.personal_data import resident_id_validate

MAX_MEMBERS = 10  # rows offered on the form; larger households are rare
SHOWN_MEMBERS = 3  # rows shown before "more household members"


def _yuan_field(label: Any, *, required: bool = False) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        required=required,
        min_value=Decimal(0),
        max_digits=12,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal"}),
    )


class FileFilterForm(forms.Form):
    state = forms.ChoiceField(
        label=_("File state"),
        required=False,
        choices=[("open", _("Open files")), ("closed", _("Closed files")), ("", _("All files"))],
    )
    category = forms.ChoiceField(
        label=_("Category"),
        required=False,
        choices=[("", _("All categories")), *HardshipCategory.choices],
    )
    q = forms.CharField(label=_("File number or worker's name"), required=False, max_length=40)
    spot = forms.BooleanField(label=_("On this year's spot-check list only"), required=False)


class FinancesForm(forms.Form):
    """The figures R9 computes from, beside the income: rigid spending and the refusals."""

    spending_illness = _yuan_field(_("Spending on illness (yuan a year)"))
    spending_disability = _yuan_field(_("Spending on disability (yuan a year)"))
    spending_schooling = _yuan_field(_("Spending on schooling (yuan a year)"))
    homes_owned = forms.IntegerField(
        label=_("Homes owned"), min_value=0, max_value=99, initial=0, required=False
    )
    employs_others = forms.BooleanField(
        label=_("Runs a business that employs others"), required=False
    )
    high_fee_schooling = forms.BooleanField(
        label=_("A child is in high-fee private schooling or self-funded study abroad"),
        required=False,
    )
    accident = forms.BooleanField(
        label=_("Hit by an accident or a sudden major illness"), required=False
    )

    FINANCE_FIELDS = (
        "spending_illness",
        "spending_disability",
        "spending_schooling",
        "homes_owned",
        "employs_others",
        "high_fee_schooling",
        "accident",
    )

    def finances(self) -> Finances:
        data = self.cleaned_data
        return Finances(
            spending_illness=data["spending_illness"] or Decimal(0),
            spending_disability=data["spending_disability"] or Decimal(0),
            spending_schooling=data["spending_schooling"] or Decimal(0),
            homes_owned=data["homes_owned"] or 0,
            employs_others=data["employs_others"],
            high_fee_schooling=data["high_fee_schooling"],
            accident=data["accident"],
        )

    @staticmethod
    def initial_from(file: HardshipFile) -> dict[str, Any]:
        return {name: getattr(file, name) for name in FinancesForm.FINANCE_FIELDS}


class FileOpenForm(FinancesForm):
    union = forms.ModelChoiceField(label=_("Union opening the file"), queryset=Org.objects.none())
    housing = forms.CharField(
        label=_("Housing"),
        max_length=40,
        required=False,
        help_text=_("For example: rented, public rental, own home of 40 m²."),
    )
    causes = forms.CharField(
        label=_("Causes of hardship"),
        max_length=200,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    field_order = ["union"]


class MemberForm(forms.Form):
    """One person of the household; the worker is the row marked "the worker"."""

    name = forms.CharField(label=_("Name"), max_length=40)
    relation = forms.ChoiceField(label=_("Relation"), choices=[("", "—"), *Relation.choices])
    id_number = forms.CharField(
        label=_("Resident ID number"),
        max_length=18,
        min_length=18,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    income = _yuan_field(_("Income (yuan a year)"))
    health = forms.CharField(label=_("Health"), max_length=40, required=False)
    occupation = forms.CharField(label=_("School or employer"), max_length=80, required=False)

    def clean_id_number(self) -> str:
        return resident_id_validate(self.cleaned_data["id_number"])

    def member(self) -> MemberData:
        data = self.cleaned_data
        return MemberData(
            name=data["name"],
            relation=data["relation"],
            id_number=data["id_number"],
            income=data["income"] or Decimal(0),
            health=data["health"],
            occupation=data["occupation"],
        )


class BaseMemberFormSet(forms.BaseFormSet):  # type: ignore[type-arg]  # generic only in the stubs
    """Every row is optional (a blank row is skipped); the first one starts as the worker."""

    def get_form_kwargs(self, index: int | None) -> dict[str, Any]:
        kwargs = super().get_form_kwargs(index)
        if index == 0:
            kwargs["initial"] = {"relation": Relation.SELF}
        return kwargs

    def members(self) -> list[MemberData]:
        return [f.member() for f in self.forms if f.has_changed() and f.is_valid()]

    def clean(self) -> None:
        if any(self.errors):
            return
        if not any(f.has_changed() for f in self.forms):
            raise ValidationError(_("List the household's members, the worker first."))


# formset_factory is typed to return the base class; it returns a subclass of ours.
MemberFormSet = cast(
    "type[BaseMemberFormSet]",
    forms.formset_factory(
        MemberForm,
        formset=BaseMemberFormSet,
        extra=MAX_MEMBERS,
        max_num=MAX_MEMBERS,
        absolute_max=MAX_MEMBERS,
        validate_max=True,
    ),
)


class RecheckForm(FinancesForm):
    annual_income = _yuan_field(_("Household income (yuan a year)"), required=True)
    note = forms.CharField(
        label=_("What the re-check found"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    field_order = ["annual_income"]


class CloseForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Why the file is closed"), choices=[("", "—"), *CloseReason.choices]
    )
    note = forms.CharField(
        label=_("Note on closing"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_('Needed when the reason is "Other".'),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("reason") == CloseReason.OTHER and not data.get("note", "").strip():
            self.add_error("note", _("Say why the file is closed."))
        return data


class SpotCheckForm(forms.Form):
    org = forms.ModelChoiceField(
        label=_("Draw among the files of"), queryset=Org.objects.none(), required=False
    )


class LivingLineForm(forms.Form):
    district = forms.ModelChoiceField(label=_("District or county"), queryset=Org.objects.none())
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    monthly = forms.DecimalField(
        label=_("Minimum-living line (yuan per person a month)"),
        min_value=Decimal("0.01"),
        max_digits=8,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal"}),
    )
