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
