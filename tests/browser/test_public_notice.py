"""R6 in a real browser: an anonymous visitor on a phone reads a public notice (masked, no ID
numbers) and objects; the city's staff answer it on their page."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest

from gonghui.core.demo.city import DEMO_PASSWORD
from gonghui.core.models import Org, User
from gonghui.review import notices, services
from gonghui.review.models import Objection
from gonghui.review.programs import PROGRAMS, ReviewProgram, register
from tests.browser.conftest import Visit

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def program() -> Iterator[None]:
    register(ReviewProgram(code="test.browser", label="测试"))
    yield
    PROGRAMS.pop("test.browser")


def test_visitor_objects_on_a_phone_and_staff_answer(
    phone: Visit, desk: Visit, personas: dict[str, User], orgs: dict[str, Org]
) -> None:
    union = orgs["HH-DH-JD1-001"]
    cases = []
    for i in range(3):
        subject = User.objects.create(username=f"student-{i}")
        case = services.case_open(
            actor=personas["factory_chair"],
            program="test.browser",
            subject=subject,
            org=union,
            title=f"学生{i}",
        )
        case = services.case_submit(actor=personas["factory_chair"], case=case)
        case = services.case_approve(actor=personas["donghu_staff"], case=case)
        case = services.case_approve(actor=personas["city_admin"], case=case)
        cases.append((case, f"张*{i} · 东湖区 · 本科 · 6,280元"))
    notice = notices.notice_publish(
        actor=personas["city_admin"],
        program="test.browser",
        org=orgs["HH"],
        title="金秋助学公示",
        cases=cases,
        starts_on=dt.date.today(),
    )
    phone.goto(f"/notices/{notice.pk}/")
    assert "张*1 · 东湖区" in phone.page.get_by_test_id("notice-entries").inner_text()
    phone.page.get_by_label("针对").select_option(label="张*1 · 东湖区 · 本科 · 6,280元")
    phone.page.get_by_label("理由").fill("该生已获其他奖学金")
    phone.page.get_by_role("button", name="提交异议").click()
    phone.page.get_by_text("异议已收到").wait_for()
    phone.check()
    phone.screenshot("notice-phone")
    assert Objection.objects.get().reason == "该生已获其他奖学金"

    desk.login("city_admin", DEMO_PASSWORD)
    desk.goto(f"/notices/{notice.pk}/objections/")
    desk.page.get_by_label("答复").fill("经核实，不属重复资助")
    desk.page.get_by_role("button", name="记录答复").click()
    desk.page.get_by_text("答复已记录").wait_for()
    desk.check()
    desk.screenshot("objections")
    assert Objection.objects.get().sustained is False


def test_district_reviews_on_its_page_and_the_city_sees_the_trail(
    desk: Visit, personas: dict[str, User], orgs: dict[str, Org]
) -> None:
    union = orgs["HH-DH-JD1-001"]
    for i in range(3):
        subject = User.objects.create(username=f"applicant-{i}")
        case = services.case_open(
            actor=personas["factory_chair"],
            program="test.browser",
            subject=subject,
            org=union,
            title=f"金秋助学 张*{i}",
        )
        services.case_submit(actor=personas["factory_chair"], case=case)
    desk.login("donghu_staff", DEMO_PASSWORD)
    desk.goto("/review/")
    desk.screenshot("review-waiting")
    desk.page.get_by_role("link", name="金秋助学 张*0").click()
    desk.page.get_by_test_id("trail").wait_for()
    desk.check()
    desk.page.get_by_role("button", name="同意").click()
    desk.page.get_by_text("审批意见已记录").wait_for()
    desk.screenshot("review-case")
    assert "已同意" in desk.page.get_by_test_id("trail").inner_text()
