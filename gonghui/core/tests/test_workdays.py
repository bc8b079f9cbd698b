"""Working days by the official calendar (R6 periods): holidays off, adjusted weekends on, and
a year nobody has entered yet counted by weekends with a warning, never a crash."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from gonghui.core.models import AuditEntry, User
from gonghui.core.services import calendar_year_enter
from gonghui.core.workdays import (
    CC_LAST_YEAR,
    YearSource,
    add_working_days,
    working_days_between,
    year_sources,
)

pytestmark = pytest.mark.django_db

D = dt.date


def test_r06_national_day_week_is_skipped_and_adjusted_saturday_counts() -> None:
    # 2026: 1–7 October off; Saturday 10 October is a working day.
    assert add_working_days(D(2026, 9, 30), 1).value == D(2026, 10, 8)
    assert add_working_days(D(2026, 10, 8), 2).value == D(2026, 10, 10)
    assert working_days_between(D(2026, 10, 1), D(2026, 10, 10)).value == 3


def test_r06_five_working_days_over_spring_festival_2026() -> None:
    # 15–23 February off; Saturday 14 February is a working day.
    result = add_working_days(D(2026, 2, 13), 5)
    assert not result.estimated
    assert result.value == D(2026, 2, 27)


def test_add_zero_days_rolls_to_next_working_day() -> None:
    assert add_working_days(D(2026, 10, 3), 0).value == D(2026, 10, 8)
    assert add_working_days(D(2026, 10, 9), 0).value == D(2026, 10, 9)


def test_negative_days_count_backwards() -> None:
    assert add_working_days(D(2026, 10, 8), -1).value == D(2026, 9, 30)


def test_working_days_between_reversed_range_is_zero() -> None:
    assert working_days_between(D(2026, 5, 10), D(2026, 5, 1)).value == 0


def test_r06_notice_starting_in_late_december_of_last_published_year_warns_not_crashes() -> None:
    start = D(CC_LAST_YEAR, 12, 28)
    result = add_working_days(start, 5)
    assert result.estimated
    assert result.estimated_years == (CC_LAST_YEAR + 1,)
    assert result.value.year == CC_LAST_YEAR + 1  # type: ignore[union-attr]  # a date here
    assert not add_working_days(D(CC_LAST_YEAR, 3, 2), 5).estimated


def test_r06_entered_year_replaces_the_weekend_guess(personas: dict[str, User]) -> None:
    year = CC_LAST_YEAR + 1
    assert year_sources(range(year, year + 1))[year] is YearSource.WEEKENDS_ONLY
    calendar_year_enter(
        actor=personas["city_admin"],
        year=year,
        holidays=[(D(year, 1, 1), "元旦"), (D(year, 1, 4), "调休")],
        workdays=[(D(year, 1, 10), "调休上班")],
        source_note="国办发明电〔2026〕X号",
    )
    assert year_sources(range(year, year + 1))[year] is YearSource.ENTERED
    holidays, workdays = {D(year, 1, 1), D(year, 1, 4)}, {D(year, 1, 10)}

    def official(day: dt.date) -> bool:
        return day in workdays or (day.weekday() < 5 and day not in holidays)

    first = next(
        d for n in range(1, 15) if official(d := D(year - 1, 12, 31) + dt.timedelta(days=n))
    )
    result = add_working_days(D(year - 1, 12, 31), 1)
    assert not result.estimated
    assert result.value == first
    count = working_days_between(D(year, 1, 1), D(year, 1, 10))
    expected = sum(official(D(year, 1, 1) + dt.timedelta(days=n)) for n in range(10))
    assert count.value == expected and not count.estimated


def test_r06_entering_a_year_is_audited_and_replaces_the_earlier_entry(
    personas: dict[str, User],
) -> None:
    year = CC_LAST_YEAR + 1
    admin = personas["city_admin"]
    calendar_year_enter(actor=admin, year=year, holidays=[(D(year, 1, 1), "元旦")], workdays=[])
    calendar_year_enter(actor=admin, year=year, holidays=[(D(year, 1, 2), "元旦")], workdays=[])
    entries = AuditEntry.objects.filter(action="calendar.year_enter").order_by("id")
    assert entries.count() == 2
    assert entries[1].before == {"days": [f"{year}-01-01 0 元旦"]}
    assert entries[1].after == {"days": [f"{year}-01-02 0 元旦"]}


@pytest.mark.parametrize("username", ["donghu_staff", "courier_chair", "courier_worker"])
def test_r01_only_city_federation_admin_may_enter_the_calendar(
    personas: dict[str, User], username: str
) -> None:
    # The courier federation's chair is a federation admin, but not at the root.
    with pytest.raises(PermissionDenied):
        calendar_year_enter(actor=personas[username], year=2030, holidays=[], workdays=[])
