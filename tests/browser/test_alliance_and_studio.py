"""Studios and the alliance (R15) in the browser. A firm's HR, on a phone, asks the alliance
for help filing a patent; 东湖's staff assign it to the patent squad, start it and close it
with its outcome, which the firm then reads on its phone. A studio with no result this year
goes through the city's annual review: the judges' scores are in, staff lock the panel and
record fix-by-deadline with its deadline and what to fix. Selectors use names and test ids,
not labels, so that the test holds in any language."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from gonghui.core.demo.city import DEMO_PASSWORD
from gonghui.core.models import Org, User
from gonghui.innovation.models import (
    RequestState,
    ServiceRequest,
    Squad,
    StudioMember,
    StudioReview,
    Title,
)
from gonghui.innovation.services import studios as services
from gonghui.innovation.tests import factories_studios as f
from gonghui.orgs.tests.factories import member
from gonghui.scoring import services as scoring
from tests.browser.conftest import Visit

pytestmark = pytest.mark.django_db(transaction=True)


def test_r15_firm_gets_patent_help_and_a_studio_must_fix_by_a_deadline(
    personas: dict[str, User], orgs: dict[str, Org], phone: Visit, desk: Visit
) -> None:
    f.alliance(personas, orgs)
    squad = f.squad(personas, orgs, "专利代理服务队")
    f.squad(personas, orgs, "职工健康服务队")
    studio = f.named(personas, orgs, "精密数控创新工作室")
    review_round = services.review_round_open(
        actor=personas["city_admin"], org=orgs["HH"], year=timezone.localdate().year
    )
    panel = services.round_panel(review_round)
    assert panel is not None
    for name in ("judge", "judge2"):
        scoring.judge_add(actor=personas["city_admin"], panel=panel, user=personas[name])
        scoring.sheet_save(
            actor=personas[name],
            panel=panel,
            entry=panel.entries.get(),
            marks={"results": "12", "team": "16", "mentoring": "15", "service": "17"},
        )

    # The firm asks on its phone.
    phone.login("employer_hr", DEMO_PASSWORD)
    phone.goto("/innovation/help/")
    form = phone.page.get_by_test_id("help-form")
    form.locator("select[name=kind]").select_option("patent")
    form.locator("textarea[name=description]").fill(
        "新研制的快换夹具想申请实用新型专利，请联盟指导。"
    )
    form.locator("input[name=contact]").fill("冯人事 13800000000")
    phone.screenshot("alliance-help-phone")
    form.locator("button[type=submit]").click()
    phone.check()
    assert phone.page.get_by_test_id("request-state").inner_text() != ""
    item = ServiceRequest.objects.get()
    assert item.org == orgs[f.FACTORY] and item.state == RequestState.OPEN

    # 东湖's staff assign it to the patent squad, start it, and close it with the outcome.
    desk.login("donghu_staff", DEMO_PASSWORD)
    desk.goto("/innovation/requests/")
    desk.page.get_by_test_id("request-table").get_by_role("link").first.click()
    desk.check()
    desk.page.locator("select[name=assignee]").select_option(f"squad:{squad.pk}")
    desk.page.locator("form[action$='/assign/'] button").click()
    desk.check()
    desk.page.locator("form[action$='/start/'] button").click()
    desk.check()
    desk.page.locator("form[action$='/close/'] button").click()  # no outcome: refused
    desk.check()
    item.refresh_from_db()
    assert item.state == RequestState.IN_PROGRESS
    desk.page.locator("textarea[name=outcome]").fill(
        "服务队已协助提交实用新型专利申请，受理号已发企业。"
    )
    desk.screenshot("alliance-request-desk")
    desk.page.locator("form[action$='/close/'] button").click()
    desk.check()
    item.refresh_from_db()
    assert item.state == RequestState.CLOSED and item.squad == squad
    desk.goto("/innovation/figures/")  # 东湖's figures count the closed request
    assert desk.page.get_by_test_id("figure-requests-closed").inner_text() == "1"
    assert desk.page.get_by_test_id("figure-requests-open").inner_text() == "0"
    desk.check()

    # The firm sees the outcome.
    phone.page.reload()
    phone.check()
    assert "受理号已发企业" in phone.page.get_by_test_id("outcome").inner_text()
    assert squad.name in phone.page.get_by_test_id("assignee").inner_text()
    phone.screenshot("alliance-request-phone")

    # The annual review: staff lock the panel's scores, then record fix-by-deadline.
    desk.page.context.clear_cookies()  # a new person at the same desk
    desk.login("city_admin", DEMO_PASSWORD)
    desk.goto(f"/innovation/reviews/{review_round.pk}/")
    assert desk.page.locator(f"a[href='/scoring/panels/{panel.pk}/']").count() == 1
    desk.goto(f"/scoring/panels/{panel.pk}/")
    desk.page.once("dialog", lambda dialog: dialog.accept())
    desk.page.get_by_test_id("lock").click()
    desk.check()
    desk.goto(f"/innovation/reviews/{review_round.pk}/")
    card = desk.page.get_by_test_id("review-row").filter(has_text=studio.name)
    card.locator("select[name=outcome]").select_option("pass")
    card.locator("button[type=submit]").click()  # no result this year: R15 refuses a pass
    desk.check()
    assert not StudioReview.objects.exists()
    deadline = timezone.localdate() + dt.timedelta(days=90)
    card = desk.page.get_by_test_id("review-row").filter(has_text=studio.name)
    card.locator("select[name=outcome]").select_option("fix")
    card.locator("input[name=fix_by]").fill(deadline.isoformat())
    card.locator("input[name=to_fix]").fill("补报本年度创新成果")
    card.locator("button[type=submit]").click()
    desk.check()
    review = StudioReview.objects.get()
    assert (review.outcome, review.fix_by, review.to_fix) == ("fix", deadline, "补报本年度创新成果")
    assert "补报本年度创新成果" in desk.page.get_by_test_id("outcome").inner_text()
    desk.screenshot("studio-review-desk")
    phone.page.context.clear_cookies()
    phone.login("factory_chair", DEMO_PASSWORD)
    phone.goto(f"/innovation/studios/{studio.pk}/")
    assert "补报本年度创新成果" in phone.page.get_by_test_id("reviews").inner_text()
    phone.screenshot("studio-detail-phone")


def test_r15_staff_record_a_title_form_a_squad_and_grow_a_team(
    personas: dict[str, User], orgs: dict[str, Org], phone: Visit, desk: Visit
) -> None:
    """The staff pages: on a phone, the city records a member's craftsman title and forms a
    squad from the alliance page; at a desk, the factory's chair adds a team member to its
    studio (a stranger's name is refused first, with what was typed kept)."""
    f.alliance(personas, orgs)
    studio = f.proposed(personas, orgs, "精密数控创新工作室")
    craftsman = member(orgs[f.FACTORY], "褚工匠").person

    phone.login("city_admin", DEMO_PASSWORD)
    phone.goto("/innovation/titles/")
    form = phone.page.get_by_test_id("title-form")
    form.locator("select[name=union]").select_option(str(orgs[f.FACTORY].pk))
    form.locator("input[name=person]").fill("褚工匠")
    form.locator("select[name=kind]").select_option("craftsman")
    form.locator("select[name=level]").select_option("city")
    form.locator("input[name=year]").fill("2024")
    phone.screenshot("innovation-titles-phone")
    form.locator("button[type=submit]").click()
    phone.check()
    assert Title.objects.filter(person=craftsman, year=2024).exists()
    assert "褚工匠" in phone.page.get_by_test_id("titles").inner_text()

    phone.goto("/innovation/alliance/")
    squad_form = phone.page.get_by_test_id("squad-add")
    phone.page.locator("details:has([data-testid=squad-add]) > summary").click()
    squad_form.locator("input[name=name]").fill("数控维修服务队")
    squad_form.locator("input[name=speciality]").fill("数控维修")
    squad_form.locator("button[type=submit]").click()
    phone.check()
    assert "数控维修服务队" in phone.page.get_by_test_id("squads").inner_text()
    assert Squad.objects.filter(name="数控维修服务队").exists()

    member(orgs[f.FACTORY], "卫技师")
    desk.login("factory_chair", DEMO_PASSWORD)
    desk.goto(f"/innovation/studios/{studio.pk}/team/")
    team = desk.page.get_by_test_id("team-form")
    team.locator("input[name=person]").fill("无此人")
    team.locator("input[name=role]").fill("技术骨干")
    team.locator("button[type=submit]").click()
    desk.check()
    assert desk.page.locator("input[name=role]").input_value() == "技术骨干"
    desk.page.locator("input[name=person]").fill("卫技师")
    desk.screenshot("innovation-team-desk")
    desk.page.get_by_test_id("team-form").locator("button[type=submit]").click()
    desk.check()
    assert "卫技师" in desk.page.get_by_test_id("team").inner_text()
    assert StudioMember.objects.get(studio=studio, person__name="卫技师").role == "技术骨干"
