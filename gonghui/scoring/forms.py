"""Forms of the panel pages: adding a member to a panel, and the time an entrant took."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from gonghui.scoring.models import JudgeRole


class JudgeForm(forms.Form):
    user = forms.ChoiceField(label=_("Member of the panel"))
    role = forms.ChoiceField(label=_("Role on the panel"), choices=JudgeRole.choices)
    employer_key = forms.ChoiceField(
        label=_("Works for"),
        required=False,
        help_text=_("R18: a judge is recused from the entrants of their own employer."),
    )
    conflict_note = forms.CharField(
        label=_("Declared conflict of interest"),
        required=False,
        max_length=500,
        help_text=_("Anything else that keeps this judge from marking: they mark nobody."),
    )

    def __init__(
        self,
        *args: Any,
        users: list[tuple[str, str]],
        employers: list[tuple[str, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["user"].choices = users  # type: ignore[attr-defined]  # ChoiceField
        self.fields["employer_key"].choices = [  # type: ignore[attr-defined]  # ChoiceField
            ("", _("None of the entrants' employers")),
            *employers,
        ]


class TimeForm(forms.Form):
    minutes = forms.IntegerField(label=_("Minutes"), min_value=0, max_value=24 * 60)
    seconds = forms.IntegerField(label=_("Seconds"), min_value=0, max_value=59, required=False)

    def total(self) -> int:
        return int(self.cleaned_data["minutes"]) * 60 + int(self.cleaned_data["seconds"] or 0)
