"""Working days by the official Chinese calendar: public holidays off, adjusted weekends on.

Where a year's arrangement comes from, in order: what a federation admin entered
(`CalendarYear`), else chinese-calendar's data (published years only), else weekends alone. A
result computed with the last source says so (`estimated_years`), and pages show a warning
beside it: a notice that starts in late December must work, never crash."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum

import chinese_calendar
from chinese_calendar import constants as cc_constants
from django.db.models import Count, Max

from gonghui.core.models import CalendarDay, CalendarYear

CC_FIRST_YEAR = min(d.year for d in cc_constants.holidays)
CC_LAST_YEAR = max(d.year for d in cc_constants.holidays)
# Entered years are a few dozen rows, kept per process and keyed by a stamp read from the
# database (how many years, and when the last was entered), so every process sees a new entry
# at once. One small query per calculation instead of one per year.
_entered: dict[tuple[int, object], dict[int, dict[dt.date, bool]]] = {}


def entered_years() -> dict[int, dict[dt.date, bool]]:
    """Every entered year's exceptions to the weekend rule: {year: {date: is_workday}}."""
    stamp = CalendarYear.objects.aggregate(n=Count("pk"), last=Max("entered_at"))
    key = (stamp["n"], stamp["last"])
    data = _entered.get(key)
    if data is None:
        data = {year: {} for year in CalendarYear.objects.values_list("year", flat=True)}
        for year, date, is_workday in CalendarDay.objects.values_list(
            "year__year", "date", "is_workday"
        ):
            data[year][date] = is_workday
        _entered.clear()
        _entered[key] = data
    return data


class YearSource(StrEnum):
    ENTERED = "entered"
    PACKAGED = "packaged"
    WEEKENDS_ONLY = "weekends_only"


@dataclass
class WorkCalendar:
    """Answers "is this a working day?" for any date, loading each year's data once."""

    _years: dict[int, tuple[YearSource, dict[dt.date, bool]]] = field(default_factory=dict)
    estimated_years: set[int] = field(default_factory=set)

    def year_source(self, year: int) -> YearSource:
        return self._load(year)[0]

    def _load(self, year: int) -> tuple[YearSource, dict[dt.date, bool]]:
        if year not in self._years:
            entered = entered_years()
            if year in entered:
                self._years[year] = (YearSource.ENTERED, entered[year])
            elif CC_FIRST_YEAR <= year <= CC_LAST_YEAR:
                self._years[year] = (YearSource.PACKAGED, {})
            else:
                self._years[year] = (YearSource.WEEKENDS_ONLY, {})
        return self._years[year]

    def is_workday(self, day: dt.date) -> bool:
        source, exceptions = self._load(day.year)
        if source is YearSource.ENTERED:
            return exceptions.get(day, day.weekday() < 5)
        if source is YearSource.PACKAGED:
            return bool(chinese_calendar.is_workday(day))
        self.estimated_years.add(day.year)
        return day.weekday() < 5


@dataclass(frozen=True)
class WorkdayResult:
    """A computed date or count, and the years it had to guess for (weekends only)."""

    value: dt.date | int
    estimated_years: tuple[int, ...] = ()

    @property
    def date(self) -> dt.date:
        if not isinstance(self.value, dt.date):
            raise TypeError("This result is a count, not a date.")
        return self.value

    @property
    def estimated(self) -> bool:
        return bool(self.estimated_years)


def add_working_days(start: dt.date, days: int) -> WorkdayResult:
    """The date `days` working days after `start` (start itself not counted); negative goes
    back. Zero answers `start` if it is a working day, else the next one."""
    cal = WorkCalendar()
    step = 1 if days >= 0 else -1
    current, remaining = start, abs(days)
    if days == 0:
        while not cal.is_workday(current):
            current += dt.timedelta(days=1)
    while remaining:
        current += dt.timedelta(days=step)
        if cal.is_workday(current):
            remaining -= 1
    return WorkdayResult(current, tuple(sorted(cal.estimated_years)))


def working_days_between(start: dt.date, end: dt.date) -> WorkdayResult:
    """Working days in the closed range [start, end]; 0 when end is before start."""
    cal = WorkCalendar()
    count = 0
    current = start
    while current <= end:
        count += cal.is_workday(current)
        current += dt.timedelta(days=1)
    return WorkdayResult(count, tuple(sorted(cal.estimated_years)))


def year_sources(years: range) -> dict[int, YearSource]:
    cal = WorkCalendar()
    return {year: cal.year_source(year) for year in years}
