"""Each person sees only the menu entries their roles allow (R1)."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.django_db


def _menu(client) -> list[str]:  # type: ignore[no-untyped-def]
    body = client.get("/").content.decode()
    nav = body.split('data-testid="main-nav"')[1].split("</ul>")[0]
    return re.findall(r'class="nav-link[^"]*" href="[^"]+"[^>]*>([^<]+)</a>', nav)


def test_city_admin_sees_audit_and_calendar(client_for) -> None:  # type: ignore[no-untyped-def]
    assert _menu(client_for("city_admin")) == [
        "首页",
        "组织",
        "会员",
        "入会申请",
        "花名册导入",
        "审核",
        "金秋助学",
        "困难职工档案",
        "劳动竞赛",
        "劳模创新",
        "合理化建议",
        "评选投票",
        "工作日历",
        "审计日志",
    ]


def test_district_staff_sees_calendar_but_not_audit(client_for) -> None:  # type: ignore[no-untyped-def]
    assert _menu(client_for("donghu_staff")) == [
        "首页",
        "组织",
        "会员",
        "入会申请",
        "花名册导入",
        "审核",
        "金秋助学",
        "困难职工档案",
        "劳动竞赛",
        "劳模创新",
        "合理化建议",
        "评选投票",
        "工作日历",
    ]


def test_worker_sees_home_and_own_membership(client_for) -> None:  # type: ignore[no-untyped-def]
    assert _menu(client_for("courier_worker")) == [
        "首页",
        "我的会籍",
        "我的助学申请",
        "劳动竞赛",
        "劳模创新",
        "合理化建议",
    ]


def test_a_judge_sees_contests_and_judging(client_for) -> None:  # type: ignore[no-untyped-def]
    assert _menu(client_for("judge")) == ["首页", "劳动竞赛", "评审评分"]


def test_non_staff_see_home_only(client_for) -> None:  # type: ignore[no-untyped-def]
    assert _menu(client_for("bank_officer")) == ["首页"]


def test_employer_hr_sees_innovation_to_ask_the_alliance(client_for) -> None:  # type: ignore[no-untyped-def]
    assert _menu(client_for("employer_hr")) == ["首页", "劳模创新"]


def test_english_is_selectable(client_for) -> None:  # type: ignore[no-untyped-def]
    client = client_for("city_admin")
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert _menu(client) == [
        "Home",
        "Organisations",
        "Members",
        "Applications",
        "Roster import",
        "Reviews",
        "Student aid",
        "Hardship files",
        "Contests",
        "Innovation",
        "Proposals",
        "Appraisals",
        "Working-day calendar",
        "Audit log",
    ]
