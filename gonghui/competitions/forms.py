"""Forms of the contest pages: a new contest with its weights and prize table, an entry, an
appeal and its answer. The rules are the services'; these forms only read what was typed."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from gonghui.competitions.models import Contest, EntryKind, JobType
from gonghui.core.forms import DateTimeInput
from gonghui.core.models import Org
from gonghui.scoring import engine

TIERS = (
    ("first", _("First prize"), 1),
    ("second", _("Second prize"), 2),
    ("third", _("Third prize"), 3),
)


class ContestForm(forms.Form):
    org = forms.ModelChoiceField(
        label=_("Organised by"), queryset=Org.objects.none(), empty_label=None
    )
    title = forms.CharField(label=_("Title"), max_length=200)
    theme = forms.CharField(
        label=_("Contest theme"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    job_types = forms.ModelMultipleChoiceField(
        label=_("Job types"),
        queryset=JobType.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    new_job_types = forms.CharField(
        label=_("Job types not in the catalogue yet"),
        required=False,
        max_length=200,
        help_text=_(
            "Names separated by commas, for example 管道工，电工. They join the catalogue."
        ),
    )
    starts_at = forms.DateTimeField(label=_("Contest starts"), widget=DateTimeInput())
    ends_at = forms.DateTimeField(label=_("Contest ends"), widget=DateTimeInput())
    closes_at = forms.DateTimeField(label=_("Registration closes"), widget=DateTimeInput())
    venue = forms.CharField(label=_("Venue"), max_length=200)
    entry_kind = forms.ChoiceField(label=_("Entry"), choices=EntryKind.choices)
    team_size = forms.IntegerField(
        label=_("Team size"),
        min_value=1,
        max_value=20,
        initial=1,
        help_text=_("1 for an individual contest; 2 or more for teams."),
    )
    time_limit_minutes = forms.IntegerField(
        label=_("Time limit (minutes)"), min_value=1, max_value=24 * 60, initial=60
    )
    theory_percent = forms.IntegerField(
        label=_("Theory weight (%)"),
        min_value=1,
        max_value=99,
        initial=30,
        help_text=_("R18: total = theory × this + practical × the rest (default 30/70)."),
    )
    parent = forms.ModelChoiceField(
        label=_("Preliminary of the final"),
        queryset=Contest.objects.none(),
        required=False,
        help_text=_("For a preliminary round: the final its winners go on to."),
    )

    def __init__(self, *args: Any, orgs: list[Org], finals: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = Org.objects.filter(pk__in=[o.pk for o in orgs])  # type: ignore[attr-defined]  # ModelChoiceField
        self.fields["parent"].queryset = finals  # type: ignore[attr-defined]  # ModelChoiceField
        if not JobType.objects.exists():  # an empty catalogue: only the new-names box
            del self.fields["job_types"]
        for name, label, count in TIERS:
            self.fields[f"prize_{name}"] = forms.IntegerField(
                label=_("%(tier)s: how many") % {"tier": label},
                min_value=0,
                max_value=100,
                initial=count,
            )
            self.fields[f"money_{name}"] = forms.DecimalField(
                label=_("%(tier)s: prize money (yuan)") % {"tier": label},
                min_value=Decimal(0),
                max_digits=10,
                decimal_places=2,
                required=False,
            )

    def main_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if not name.startswith(("prize_", "money_"))]

    def prize_rows(self) -> list[tuple[str, forms.BoundField, forms.BoundField]]:
        return [(str(label), self[f"prize_{n}"], self[f"money_{n}"]) for n, label, _c in TIERS]

    def new_job_type_names(self) -> list[str]:
        raw = self.cleaned_data.get("new_job_types", "").replace("，", ",").replace("、", ",")
        return [name.strip()[:40] for name in raw.split(",") if name.strip()]

    def prize_table(self) -> list[engine.PrizeTier]:
        return [engine.PrizeTier(n, self.cleaned_data[f"prize_{n}"]) for n, _l, _c in TIERS]

    def prize_money(self) -> dict[str, Decimal]:
        return {
            n: self.cleaned_data[f"money_{n}"]
            for n, _l, _c in TIERS
            if self.cleaned_data.get(f"money_{n}") is not None
        }

    def weights(self) -> tuple[Decimal, Decimal]:
        theory = Decimal(self.cleaned_data["theory_percent"]) / 100
        return theory, 1 - theory


class EntryForm(forms.Form):
    """An entry by a union: the team's name and its people, chosen from the eligible members."""

    team_name = forms.CharField(label=_("Team name"), max_length=100, required=False)

    def __init__(self, *args: Any, size: int, choices: list[tuple[str, str]], **kwargs: Any):
        super().__init__(*args, **kwargs)
        for n in range(1, size + 1):
            self.fields[f"person_{n}"] = forms.ChoiceField(
                label=_("Contestant %(n)s") % {"n": n} if size > 1 else _("Contestant"),
                choices=[("", "—"), *choices],
            )
        if size == 1:
            del self.fields["team_name"]

    def people_ids(self) -> list[int]:
        return [int(v) for k, v in self.cleaned_data.items() if k.startswith("person_") and v]


class AppealForm(forms.Form):
    reason = forms.CharField(
        label=_("Grounds of the appeal"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class AnswerForm(forms.Form):
    upheld = forms.TypedChoiceField(
        label=_("Decision"),
        choices=[("0", _("Dismissed")), ("1", _("Upheld"))],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
    )
    answer = forms.CharField(
        label=_("Answer"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
