"""Forms of core's pages. Bad input re-renders the form with the field's message."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from gonghui.core.models import Org

DATE_LINE = re.compile(
    r"^(?P<start>\d{4}-\d{1,2}-\d{1,2})(?:\s*(?:~|～|至|\.\.)\s*(?P<end>\d{4}-\d{1,2}-\d{1,2}))?"
    r"\s*(?P<name>.*)$"
)


def parse_date_lines(text: str, *, year: int, field_label: str) -> list[tuple[dt.date, str]]:
    """Lines such as "2027-01-01 元旦" or "2027-02-06~2027-02-12 春节" → (date, name) pairs.
    Every bad line is reported with its number, and nothing is kept until all are good."""
    days: list[tuple[dt.date, str]] = []
    errors: list[str] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        match = DATE_LINE.match(line)
        try:
            if match is None:
                raise ValueError
            start = dt.date.fromisoformat(_pad(match["start"]))
            end = dt.date.fromisoformat(_pad(match["end"])) if match["end"] else start
        except ValueError:
            errors.append(
                str(
                    _(
                        "%(field)s, line %(n)d: write a date as 2027-01-01 or a range as "
                        "2027-02-06~2027-02-12, then its name."
                    )
                )
                % {"field": field_label, "n": number}
            )
            continue
        if end < start or (end - start).days > 15:
            errors.append(
                str(_("%(field)s, line %(n)d: the range is not a holiday period."))
                % {"field": field_label, "n": number}
            )
            continue
        if start.year != year or end.year != year:
            errors.append(
                str(_("%(field)s, line %(n)d: the date is not in %(year)d."))
                % {"field": field_label, "n": number, "year": year}
            )
            continue
        name = match["name"].strip()[:40]
        current = start
        while current <= end:
            days.append((current, name))
            current += dt.timedelta(days=1)
    if errors:
        raise ValidationError(errors)
    return days


def _pad(value: str) -> str:
    y, m, d = value.split("-")
    return f"{y}-{int(m):02d}-{int(d):02d}"


class DateInput(forms.DateInput):
    """The browser's date picker. Its value is always ISO: a date box cannot read the
    localised 2026/11/01, and would show empty."""

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")


class DateTimeInput(forms.DateTimeInput):
    """The browser's date-and-time picker, in local time; like DateInput, always ISO."""

    input_type = "datetime-local"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")


class CalendarYearForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    holidays = forms.CharField(
        label=_("Public holidays (days off)"),
        widget=forms.Textarea(
            attrs={"rows": 8, "placeholder": "2027-01-01 元旦\n2027-02-06~2027-02-12 春节"}
        ),
        help_text=_("One date or range per line, then the holiday's name."),
    )
    workdays = forms.CharField(
        label=_("Adjusted working weekends"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "placeholder": "2027-02-14 春节调休上班"}),
        help_text=_("Weekends that are working days under the arrangement, one per line."),
    )
    source_note = forms.CharField(
        label=_("Source"),
        max_length=200,
        required=False,
        help_text=_("For example the State Council General Office notice and its number."),
    )

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean() or {}
        year = cleaned.get("year")
        if year is None:
            return cleaned
        for key, label in (
            ("holidays", _("Public holidays")),
            ("workdays", _("Adjusted working weekends")),
        ):
            try:
                cleaned[f"{key}_parsed"] = parse_date_lines(
                    cleaned.get(key, ""), year=year, field_label=str(label)
                )
            except ValidationError as exc:
                self.add_error(key, exc)
        return cleaned


FIRST_DAY, LAST_DAY = dt.date(1990, 1, 1), dt.date(2100, 12, 31)
MAX_SPAN_DAYS = 3660  # ten years


def _in_range(value: dt.date) -> None:
    if not FIRST_DAY <= value <= LAST_DAY:
        raise ValidationError(_("Choose a date between 1990 and 2100."))


class WorkdayCalculatorForm(forms.Form):
    start = forms.DateField(
        label=_("Start date"),
        validators=[_in_range],
        widget=DateInput(),
    )
    days = forms.IntegerField(label=_("Working days"), min_value=-366, max_value=366, initial=5)
    end = forms.DateField(
        label=_("End date (to count working days)"),
        required=False,
        validators=[_in_range],
        widget=DateInput(),
    )

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean() or {}
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and abs((end - start).days) > MAX_SPAN_DAYS:
            self.add_error("end", _("Count at most ten years at a time."))
        return cleaned


class AuditFilterForm(forms.Form):
    action = forms.CharField(label=_("Action"), required=False, max_length=64)
    org = forms.ModelChoiceField(
        label=_("Organisation"), queryset=Org.objects.none(), required=False
    )
    date_from = forms.DateField(label=_("Start date"), required=False, widget=DateInput())
    date_to = forms.DateField(label=_("End date"), required=False, widget=DateInput())


class OtpTokenForm(forms.Form):
    token = forms.CharField(
        label=_("Six-digit code"),
        max_length=6,
        min_length=6,
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "pattern": "[0-9]{6}"}
        ),
    )


class HoneypotField(forms.CharField):
    """A field people never see and bots fill in: a form with it filled is refused. Bot
    resistance without a third-party service (R6 objections, joining online)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            required=False,
            label=_("Leave empty"),
            widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
            template_name="core/forms/honeypot.html",  # type: ignore[call-arg]  # Django 5 has it; the stubs not yet
            **kwargs,
        )

    def validate(self, value: Any) -> None:
        super().validate(value)
        if value:
            raise ValidationError(_("Please try again."), code="bot")
