"""Forms of the appraisal pages: a campaign, a nomination, the voter's phone and code, and
the reason every staff action needs."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from gonghui.appraisal.models import CountDisplay
from gonghui.core.forms import DateTimeInput
from gonghui.core.models import Org


class CampaignForm(forms.Form):
    org = forms.ModelChoiceField(label=_("Run by"), queryset=Org.objects.none(), empty_label=None)
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(
        label=_("About the appraisal"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    nominations_close = forms.DateTimeField(label=_("Nominations close"), widget=DateTimeInput())
    voting_starts = forms.DateTimeField(label=_("Voting starts"), widget=DateTimeInput())
    voting_ends = forms.DateTimeField(label=_("Voting ends"), widget=DateTimeInput())
    votes_per_day = forms.IntegerField(
        label=_("Votes per voter per day"), min_value=1, max_value=20, initial=5
    )
    min_years = forms.IntegerField(
        label=_("Years of membership at least"), min_value=0, max_value=40, initial=1
    )
    self_nomination = forms.BooleanField(label=_("Workers may nominate themselves"), required=False)
    count_display = forms.ChoiceField(label=_("Vote counts"), choices=CountDisplay.choices)
    public_percent = forms.IntegerField(
        label=_("Weight of the public vote (%)"),
        min_value=0,
        max_value=100,
        initial=40,
        help_text=_("R22: the rest is the jury's (default public 40%, jury 60%)."),
    )
    winners = forms.IntegerField(label=_("How many are recognised"), min_value=1, initial=30)

    def __init__(self, *args: Any, orgs: list[Org], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = Org.objects.filter(pk__in=[o.pk for o in orgs])  # type: ignore[attr-defined]  # ModelChoiceField


class NominationForm(forms.Form):
    person = forms.ChoiceField(label=_("Worker"))
    story = forms.CharField(
        label=_("Story"),
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("What voters read: the worker's deeds, in plain words."),
    )
    photo = forms.FileField(
        label=_("Photo"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/png,image/jpeg"}),
        help_text=_("PNG or JPEG; it is resized and its location data removed."),
    )

    def __init__(self, *args: Any, people: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"].choices = [("", "—"), *people]  # type: ignore[attr-defined]  # ChoiceField


class PhoneForm(forms.Form):
    phone = forms.RegexField(
        label=_("Mobile phone"),
        regex=r"^1\d{10}$",
        error_messages={"invalid": _("Enter an 11-digit mobile number.")},
        widget=forms.TextInput(attrs={"type": "tel", "inputmode": "tel", "autocomplete": "tel"}),
    )


class CodeForm(PhoneForm):
    code = forms.RegexField(
        label=_("Verification code"),
        regex=r"^\d{6}$",
        error_messages={"invalid": _("The code has 6 digits.")},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=1000)
