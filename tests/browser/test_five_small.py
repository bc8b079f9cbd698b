"""Five-small results (R14) as their people run them in the browser: a courier on a phone
enters his result (first without where it is in use, and is told R14's rule); his union's
chair ticks the authenticity pledge; the city's staff open the round's judging panel and seat
three judges; the judges mark on the scoring pages with R14's rubric; the staff lock the
results and publish the awards; the courier sees his award. Then the courier union books a
visiting batch of the exhibition, and is refused when the batch is too small."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from gonghui.core.demo.city import DEMO_PASSWORD
from gonghui.core.models import Org, User
from gonghui.innovation.models import FiveSmallResult, FiveSmallRound, VisitBooking
from gonghui.innovation.services import exhibition
from gonghui.innovation.services import results as services
from gonghui.orgs.models import Person
from gonghui.orgs.tests.factories import member
from gonghui.scoring.models import Entry
from tests.browser.conftest import Visit

pytestmark = pytest.mark.django_db(transaction=True)
SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def city_round(personas: dict[str, User], orgs: dict[str, Org]) -> FiveSmallRound:
    year = timezone.localdate().year
    return services.round_create(
        actor=personas["city_admin"], org=orgs["HH"], year=year, title=f"{year}年五小成果评选"
    )


@pytest.fixture
def courier(personas: dict[str, User], orgs: dict[str, Org]) -> Person:
    return member(orgs["HH-DH-KD-001"], "周骑手", user=personas["courier_worker"]).person


def _sign_in(visit: Visit, username: str) -> None:
    visit.page.context.clear_cookies()
    visit.login(username, DEMO_PASSWORD)


def test_r14_a_courier_result_from_phone_to_award_and_an_exhibition_visit(
    phone: Visit,
    desk: Visit,
    personas: dict[str, User],
    orgs: dict[str, Org],
    city_round: FiveSmallRound,
    courier: Person,
) -> None:
    # --- The courier enters his result on a phone --------------------------------------------
    page = phone.page
    phone.login("courier_worker", DEMO_PASSWORD)
    phone.goto("/innovation/five-small/")
    page.get_by_role("link", name=city_round.title).click()
    phone.check()
    page.locator(f"a[href='/innovation/five-small/{city_round.pk}/submit/']").click()
    phone.check()
    page.locator("[name=kind]").select_option("invention")
    page.locator("[name=title]").fill("快递袋封口辅助器")
    page.locator("[name=problem]").fill("高峰时封口慢、易开裂")
    page.locator("[name=solution]").fill("用废旧夹具改制的封口辅助器")
    page.locator("[name=in_use_since]").fill("2025-05-01")
    page.locator("[name=benefit_yuan]").fill("8000")
    page.locator("main form button[type=submit]").click()
    page.locator("main form .alert-danger").wait_for()  # R14: not said where it is in use
    phone.check()
    assert page.locator("[name=title]").input_value() == "快递袋封口辅助器"  # nothing lost
    phone.screenshot("five-small-refused-phone")
    page.locator("[name=in_use_at]").fill("东湖快递站点分拣区")
    page.locator("main form button[type=submit]").click()
    page.get_by_test_id("pledge").wait_for()
    phone.check()
    phone.screenshot("five-small-submitted-phone")
    entered = FiveSmallResult.objects.get()
    assert list(entered.authors.all()) == [courier] and not entered.pledged

    # --- The courier union's chair ticks the pledge ------------------------------------------
    desk.login("courier_chair", DEMO_PASSWORD)
    desk.goto(f"/innovation/five-small/results/{entered.pk}/")
    desk.page.locator("[name=pledge]").check()
    desk.page.locator("form[action$='/pledge/'] button[type=submit]").click()
    desk.page.locator("form[action$='/pledge/']").wait_for(state="detached")
    desk.check()
    entered.refresh_from_db()
    assert entered.pledged_by == personas["courier_chair"]

    # --- The city's staff open judging and seat three judges ---------------------------------
    _sign_in(desk, "city_admin")
    desk.goto(f"/innovation/five-small/{city_round.pk}/")
    desk.page.locator("form[action$='/judging/'] button[type=submit]").click()
    desk.page.get_by_test_id("panel-state").wait_for()
    panel_url = desk.page.url
    for username in ("judge", "judge2", "judge3"):
        desk.page.locator("summary", has_text="添加评委或仲裁员").click()
        desk.page.get_by_label("成员").select_option(value=str(personas[username].pk))
        desk.page.get_by_role("button", name="加入评审组").click()
        desk.page.get_by_text("已加入评审组").wait_for()
    desk.check()

    # --- Each judge marks the result on the scoring page -------------------------------------
    entry = Entry.objects.get()
    marks = {"advanced": 9, "novelty": 8, "difficulty": 7, "economic": 36, "social": 9}
    marks |= {"maturity": 8, "effect": 9}
    for username in ("judge", "judge2", "judge3"):
        _sign_in(phone, username)
        phone.page.get_by_role("link", name="评审评分").click()
        phone.page.get_by_test_id("my-panels").get_by_role("link").first.click()
        phone.page.get_by_test_id("sheets").wait_for()
        card = phone.page.locator(f"#entry-{entry.pk}")
        for code, mark in marks.items():
            card.locator(f"[name={code}]").fill(str(mark))
        card.locator("button[type=submit]").first.click()
        phone.page.locator(f"#entry-{entry.pk}").get_by_text("已保存。").wait_for()
        phone.check()
    phone.screenshot("five-small-marked-phone")

    # --- The staff lock the results and publish the awards -----------------------------------
    desk.page.goto(panel_url)
    desk.page.get_by_test_id("lock").click()
    desk.page.get_by_text("成绩已锁定：1 个参赛者排定名次").wait_for()
    desk.goto(f"/innovation/five-small/{city_round.pk}/")
    desk.page.locator("form[action$='/award/'] button[type=submit]").click()
    desk.page.get_by_test_id("round-state").wait_for()
    desk.check()
    desk.screenshot("five-small-awarded-desk")
    entered.refresh_from_db()
    assert entered.award == "first"

    # --- The courier sees his award ----------------------------------------------------------
    _sign_in(phone, "courier_worker")
    phone.goto(f"/innovation/five-small/results/{entered.pk}/")
    assert phone.page.get_by_test_id("award").is_visible()
    phone.screenshot("five-small-award-phone")

    # --- The courier union books a visiting batch of the exhibition --------------------------
    today = timezone.localdate()
    show = exhibition.exhibition_create(
        actor=personas["city_admin"],
        org=orgs["HH"],
        title="淮河市百项职工创新成果展",
        venue="工人文化宫",
        starts_on=today,
        ends_on=today + dt.timedelta(days=20),
        capacity=40,
    )
    exhibition.exhibition_result_add(actor=personas["city_admin"], exhibition=show, result=entered)
    batch = exhibition.visit_slot_add(
        actor=personas["city_admin"],
        exhibition=show,
        starts_at=dt.datetime.combine(today + dt.timedelta(days=3), dt.time(9), tzinfo=SHANGHAI),
    )
    _sign_in(phone, "courier_chair")
    phone.goto(f"/innovation/exhibitions/{show.pk}/")
    form = phone.page.get_by_test_id("booking-form")
    form.locator("[name=slot]").select_option(str(batch.pk))
    form.locator("[name=unit]").select_option(str(orgs["HH-DH-KD-001"].pk))
    form.locator("[name=visitors]").fill("45")
    form.locator("button[type=submit]").click()
    phone.page.get_by_test_id("booking-form").locator(".alert-danger").wait_for()  # 40 a batch
    phone.check()
    assert VisitBooking.objects.count() == 0
    form = phone.page.get_by_test_id("booking-form")
    form.locator("[name=visitors]").fill("30")
    form.locator("button[type=submit]").click()
    phone.page.get_by_test_id("batches").filter(has_text="30 / 40").wait_for()
    phone.check()
    phone.screenshot("exhibition-booked-phone")
    assert VisitBooking.objects.get().visitors == 30
    phone.goto(f"/innovation/exhibitions/{show.pk}/public/")
    assert "快递袋封口辅助器" in phone.page.get_by_test_id("exhibit-items").inner_text()
