"""The working-day calendar pages: the calculator warns on guessed years; a city admin enters a
year's arrangement, and bad lines are reported by number with nothing saved."""

from __future__ import annotations

import pytest

from gonghui.core.models import CalendarDay, CalendarYear
from gonghui.core.workdays import CC_LAST_YEAR

pytestmark = pytest.mark.django_db
NEXT = CC_LAST_YEAR + 1


def test_r06_calculator_shows_warning_for_a_year_not_yet_entered(client_for) -> None:  # type: ignore[no-untyped-def]
    page = client_for("donghu_staff").get(
        "/calendar/", {"start": f"{CC_LAST_YEAR}-12-28", "days": 5}
    )
    body = page.content.decode()
    assert page.status_code == 200
    assert f"仅按周末估算：{NEXT} 年的官方放假安排尚未录入" in body
    assert "尚未录入：仅按周末计算" in body


def test_calculator_htmx_returns_only_the_result(client_for) -> None:  # type: ignore[no-untyped-def]
    page = client_for("donghu_staff").get(
        "/calendar/", {"start": "2026-09-30", "days": 1}, HTTP_HX_REQUEST="true"
    )
    body = page.content.decode()
    assert "<html" not in body and "2026-10-08" in body and "仅按周末" not in body


def test_calculator_bad_input_rerenders_with_message(client_for) -> None:  # type: ignore[no-untyped-def]
    page = client_for("donghu_staff").get("/calendar/", {"start": "not-a-date", "days": "x"})
    assert page.status_code == 200
    assert "is-invalid" in page.content.decode()


def test_r06_city_admin_enters_next_year_in_the_browser_form(client_for) -> None:  # type: ignore[no-untyped-def]
    client = client_for("city_admin")
    assert client.get(f"/calendar/{NEXT}/").status_code == 200
    response = client.post(
        f"/calendar/{NEXT}/",
        {
            "year": NEXT,
            "holidays": f"{NEXT}-01-01 元旦\n{NEXT}-02-06~{NEXT}-02-12 春节",
            "workdays": f"{NEXT}-02-14 春节调休上班",
            "source_note": "国务院办公厅通知",
        },
    )
    assert response.status_code == 302
    assert CalendarDay.objects.filter(year__year=NEXT, is_workday=False).count() == 8
    page = client.get("/calendar/", {"start": f"{CC_LAST_YEAR}-12-28", "days": 5})
    assert "仅按周末估算" not in page.content.decode()
    assert "已录入官方安排" in page.content.decode()


def test_bad_lines_are_reported_by_number_and_nothing_is_saved(client_for) -> None:  # type: ignore[no-untyped-def]
    response = client_for("city_admin").post(
        f"/calendar/{NEXT}/",
        {
            "year": NEXT,
            "holidays": f"{NEXT}-01-01 元旦\nnonsense\n{NEXT}-13-01 坏日期",
            "workdays": "",
        },
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "第 2 行" in body and "第 3 行" in body
    assert f"{NEXT}-01-01 元旦" in body  # what the user typed is kept
    assert not CalendarYear.objects.filter(year=NEXT).exists()


def test_a_date_cannot_be_holiday_and_workday(client_for) -> None:  # type: ignore[no-untyped-def]
    response = client_for("city_admin").post(
        f"/calendar/{NEXT}/",
        {"year": NEXT, "holidays": f"{NEXT}-01-01 元旦", "workdays": f"{NEXT}-01-01 上班"},
    )
    assert "同一天不能既是假日又是工作日" in response.content.decode()
    assert not CalendarYear.objects.filter(year=NEXT).exists()


@pytest.mark.parametrize("username", ["donghu_staff", "courier_chair", "courier_worker"])
def test_r01_calendar_entry_page_is_404_without_root_permission(client_for, username) -> None:  # type: ignore[no-untyped-def]
    client = client_for(username)
    assert client.get(f"/calendar/{NEXT}/").status_code == 404
    assert client.post(f"/calendar/{NEXT}/", {"year": NEXT, "holidays": "x"}).status_code == 404


def test_workers_do_not_see_the_calendar(client_for) -> None:  # type: ignore[no-untyped-def]
    assert client_for("courier_worker").get("/calendar/").status_code == 404


@pytest.mark.parametrize(
    "query",
    [
        {"start": "9999-12-30", "days": 5},
        {"start": "0001-01-01", "days": -5},
        {"start": "2026-01-01", "days": 5, "end": "2099-12-31"},
        {"start": "2026-01-01", "days": 400},
    ],
)
def test_calculator_refuses_out_of_range_input_with_a_message(client_for, query) -> None:  # type: ignore[no-untyped-def]
    client = client_for("donghu_staff")
    for headers in ({}, {"HTTP_HX_REQUEST": "true"}):
        page = client.get("/calendar/", query, **headers)
        assert page.status_code == 200
        assert 'data-testid="form-errors"' in page.content.decode()
        assert 'data-testid="calendar-result"' not in page.content.decode()


def test_r06_dates_outside_the_year_are_refused(client_for) -> None:  # type: ignore[no-untyped-def]
    response = client_for("city_admin").post(
        f"/calendar/{NEXT}/",
        {"year": NEXT, "holidays": f"{NEXT - 1}-12-31 元旦"},
    )
    assert f"不在 {NEXT} 年内" in response.content.decode()
    assert not CalendarYear.objects.filter(year=NEXT).exists()


def test_overlapping_lines_count_each_day_once(client_for) -> None:  # type: ignore[no-untyped-def]
    client_for("city_admin").post(
        f"/calendar/{NEXT}/",
        {"year": NEXT, "holidays": f"{NEXT}-01-01~{NEXT}-01-03 元旦\n{NEXT}-01-02 元旦"},
    )
    assert CalendarDay.objects.filter(year__year=NEXT).count() == 3


@pytest.mark.parametrize("year", [0, 1999, 2101, 99999])
def test_year_pages_exist_only_for_plausible_years(client_for, year: int) -> None:  # type: ignore[no-untyped-def]
    assert client_for("city_admin").get(f"/calendar/{year}/").status_code == 404


def test_audit_filter_with_a_bad_date_says_so_instead_of_showing_everything(client_for) -> None:  # type: ignore[no-untyped-def]
    page = (
        client_for("city_admin")
        .get("/audit/", {"action": "org.", "date_from": "bad"}, HTTP_HX_REQUEST="true")
        .content.decode()
    )
    assert 'data-testid="form-errors"' in page
    assert "共 0 条记录" in page
