"""Forms of the review pages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from gonghui.core.forms import HoneypotField
from gonghui.review.models import NoticeEntry


class ObjectionForm(forms.Form):
    entry = forms.ModelChoiceField(
        label=_("About"),
        queryset=NoticeEntry.objects.none(),
        required=False,
        empty_label=_("The notice as a whole"),
    )
    reason = forms.CharField(
        label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4})
    )
    contact = forms.CharField(
        label=_("Contact (optional)"),
        max_length=100,
        required=False,
        help_text=_("A phone number or e-mail, if you want an answer."),
    )
    attachment = forms.FileField(
        label=_("Attachment (optional, PDF or image, 5 MB)"), required=False
    )
    website = HoneypotField()


class AnswerForm(forms.Form):
    answer = forms.CharField(
        label=_("Answer"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    sustained = forms.BooleanField(label=_("Sustain: send this case back"), required=False)


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[("approve", _("Approve")), ("send_back", _("Send back")), ("reject", _("Reject"))],
        widget=forms.HiddenInput,
    )
    reason = forms.CharField(
        label=_("Comment, or the reason the applicant sees"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class BulkForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"), choices=[("approve", _("Approve")), ("reject", _("Reject"))]
    )
    reason = forms.CharField(label=_("Reason (for a rejection)"), max_length=2000, required=False)
    cases = forms.CharField(widget=forms.HiddenInput)  # ids, comma-separated

    def case_ids(self) -> list[int]:
        return [int(v) for v in self.cleaned_data["cases"].split(",") if v.strip().isdigit()]


class PublishForm(forms.Form):
    title = forms.CharField(label=_("Title of the notice"), max_length=200)
    cases = forms.CharField(widget=forms.HiddenInput)  # ids, comma-separated

    def case_ids(self) -> list[int]:
        return [int(v) for v in self.cleaned_data["cases"].split(",") if v.strip().isdigit()]
