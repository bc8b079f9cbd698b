"""R13 staff pages in the browser: 东湖's staff file a worker's proposal from a phone (a
namesake-free name finds him; a name outside their unions is refused with the form kept); the
city sets its reward-tier table on a desk (a table not starting at 0 is refused with the rows
kept, a row is added, then it is saved) and 东湖 sees it as inherited on a phone."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import timezone

from gonghui.core.demo.city import DEMO_PASSWORD
from gonghui.core.models import Org, User
from gonghui.orgs.tests.factories import member
from gonghui.proposals.models import Proposal, RewardTier
from tests.browser.conftest import Visit

pytestmark = pytest.mark.django_db(transaction=True)


def test_r13_staff_file_for_a_worker_and_set_the_reward_tiers(
    phone: Visit, desk: Visit, personas: dict[str, User], orgs: dict[str, Org]
) -> None:
    member(orgs["HH-DH-KD-001"], "周骑手", user=personas["courier_worker"])

    # --- 东湖's staff file the courier's proposal on a phone --------------------------------
    phone.login("donghu_staff", DEMO_PASSWORD)
    phone.goto("/proposals/")
    phone.page.get_by_test_id("submit-for-link").click()
    phone.page.wait_for_load_state("load")
    phone.check()
    form = phone.page.get_by_test_id("proposal-for-form")
    form.locator("[name=lead]").fill("王不在")
    form.locator("[name=title]").fill("驿站门口加装充电桩")
    form.locator("[name=field]").select_option("safety")
    form.locator("[name=problem]").fill("骑手在宿舍违规充电。")
    form.locator("[name=suggestion]").fill("在驿站门口加装集中充电桩。")
    form.locator("button[type=submit]").click()
    phone.page.get_by_test_id("form-errors").wait_for()
    assert "王不在" in phone.page.get_by_test_id("form-errors").inner_text()
    assert phone.page.locator("[name=suggestion]").input_value() == "在驿站门口加装集中充电桩。"
    phone.check()
    phone.screenshot("proposals-submit-for-refused-phone")
    phone.page.locator("[name=lead]").fill("周骑手")
    phone.page.get_by_test_id("proposal-for-form").locator("button[type=submit]").click()
    phone.page.get_by_test_id("stage").wait_for()
    phone.check()
    proposal = Proposal.objects.get()
    assert proposal.proposers.get(lead=True).person.name == "周骑手"
    assert proposal.submitted_by == personas["donghu_staff"]

    # --- The city sets its reward table on a desk -------------------------------------------
    year = timezone.localdate().year
    desk.login("city_admin", DEMO_PASSWORD)
    desk.goto("/proposals/")
    desk.page.locator("a[href='/proposals/tiers/']").click()
    desk.page.wait_for_load_state("load")
    desk.check()
    assert desk.page.get_by_test_id("tier-source").get_attribute("data-source") == "default"
    tier_form = desk.page.get_by_test_id("tier-form")
    values = tier_form.locator("[name=min_value]")
    amounts = tier_form.locator("[name=amount]")
    for n in range(values.count()):
        values.nth(n).fill("")
        amounts.nth(n).fill("")
    values.nth(0).fill("500")
    amounts.nth(0).fill("300")
    tier_form.locator("button[value=save]").click()
    desk.page.wait_for_load_state("load")
    assert (
        desk.page.get_by_test_id("tier-form").locator("[name=min_value]").nth(0).input_value()
        == "500"
    )
    assert not RewardTier.objects.exists()
    desk.check()
    desk.screenshot("proposals-tiers-refused-desk")
    tier_form = desk.page.get_by_test_id("tier-form")
    tier_form.locator("button[value=add]").click()
    desk.page.wait_for_load_state("load")
    tier_form = desk.page.get_by_test_id("tier-form")
    tier_form.locator("[name=min_value]").nth(1).fill("0")
    tier_form.locator("[name=amount]").nth(1).fill("100")
    tier_form.locator("button[value=save]").click()
    desk.page.wait_for_load_state("load")
    desk.check()
    assert sorted(
        RewardTier.objects.filter(org=orgs["HH"], year=year).values_list("min_value", "amount")
    ) == [(Decimal("0.00"), Decimal("100.00")), (Decimal("500.00"), Decimal("300.00"))]
    desk.screenshot("proposals-tiers-saved-desk")

    # --- 东湖 sees the city's table as inherited, on a phone ----------------------------------
    phone.goto(f"/proposals/tiers/?org={orgs['HH-DH'].pk}&year={year}")
    source = phone.page.get_by_test_id("tier-source")
    assert source.get_attribute("data-source") == "inherited"
    assert orgs["HH"].name in source.inner_text()
    phone.screenshot("proposals-tiers-inherited-phone")
