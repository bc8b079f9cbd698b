"""R13 in the browser: the courier files a proposal on his phone with a workmate as joint
proposer and a photo; his station's federation forwards it; 东湖 approves it on /review/;
东湖 opens a panel round, seats two judges who mark it on the scoring pages, and locks the
results; 东湖 adopts it, assigns the implementation, records the assessment (a reward before
that is refused naming R13), rewards it by the tier table and recommends it to the province
in a batch whose .xlsx is downloaded and read back with openpyxl."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from django.utils import timezone

from gonghui.core.demo.city import DEMO_PASSWORD
from gonghui.core.models import Org, User
from gonghui.orgs.tests.factories import member
from gonghui.proposals.models import Proposal, Reward, Stage
from gonghui.proposals.services import lifecycle
from tests.browser.conftest import Visit

pytestmark = pytest.mark.django_db(transaction=True)

TITLE = "快递柜旁加装遮雨棚"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.4\n% acceptance report\n%%EOF\n"


def _sign_in(visit: Visit, username: str) -> None:
    visit.page.context.clear_cookies()
    visit.login(username, DEMO_PASSWORD)


def _act(visit: Visit, name: str) -> None:
    """Submits the proposal page's form for one action and waits for the page to come back."""
    visit.page.locator(f"form:has(input[name=action][value={name}]) button[type=submit]").click()
    visit.page.wait_for_load_state("load")


def test_r13_a_proposal_from_the_phone_to_the_province(
    phone: Visit,
    desk: Visit,
    personas: dict[str, User],
    orgs: dict[str, Org],
    tmp_path: Path,
) -> None:
    courier = member(orgs["HH-DH-KD-001"], "周骑手", user=personas["courier_worker"]).person
    member(orgs["HH-DH-KD-001"], "钱同事")
    photo = tmp_path / "shed.png"
    photo.write_bytes(PNG)
    evidence = tmp_path / "acceptance.pdf"
    evidence.write_bytes(PDF)

    # --- The courier files it on his phone ---------------------------------------------------
    _sign_in(phone, "courier_worker")
    phone.goto("/proposals/")  # the menu's entry: his own proposals
    assert phone.page.url.endswith("/proposals/mine/")
    phone.goto("/proposals/new/")
    form = phone.page.get_by_test_id("proposal-form")
    form.locator("[name=title]").fill(TITLE)
    form.locator("[name=field]").select_option("service")
    form.locator("[name=problem]").fill("雨天取件排队淋雨，包裹受潮。")
    form.locator("[name=suggestion]").fill("在快递柜旁加装遮雨棚，并设排队线。")
    form.locator("[name=co_proposers]").fill("钱同事、查无此人")
    form.locator("[name=attachments]").set_input_files(str(photo))
    form.locator("button[type=submit]").click()
    phone.page.get_by_test_id("form-errors").wait_for()
    assert "查无此人" in phone.page.get_by_test_id("form-errors").inner_text()
    assert phone.page.locator("[name=suggestion]").input_value().startswith("在快递柜旁")
    phone.check()
    phone.screenshot("proposals-submit-refused-phone")
    phone.page.locator("[name=co_proposers]").fill("钱同事")
    phone.page.locator("[name=attachments]").set_input_files(str(photo))
    phone.page.get_by_test_id("proposal-form").locator("button[type=submit]").click()
    phone.page.get_by_test_id("stage").wait_for()
    phone.check()
    phone.screenshot("proposals-submitted-phone")
    proposal = Proposal.objects.get(title=TITLE)
    assert "钱同事" in phone.page.get_by_test_id("proposers").inner_text()
    assert proposal.attachments.count() == 1

    # --- Preliminary review: the station's federation forwards, 东湖 approves on /review/ --
    _sign_in(desk, "courier_chair")
    desk.goto("/review/")
    desk.page.get_by_test_id("drafts").get_by_role("link", name=TITLE).click()
    desk.page.wait_for_load_state("load")
    _act(desk, "forward")
    _sign_in(desk, "donghu_staff")
    desk.goto("/review/")
    desk.page.get_by_test_id("waiting").get_by_role("link", name=TITLE).click()
    desk.page.wait_for_load_state("load")
    desk.check()
    desk.page.get_by_role("button", name="同意", exact=True).click()
    desk.page.wait_for_load_state("load")
    proposal.refresh_from_db()
    assert proposal.stage == Stage.PANEL

    # --- The panel: a round, two judges, their marks, the results locked --------------------
    desk.goto("/proposals/rounds/")
    round_form = desk.page.get_by_test_id("round-form")
    round_form.locator("[name=org]").select_option(str(orgs["HH-DH"].pk))
    round_form.locator("[name=title]").fill("东湖区合理化建议评审第一轮")
    round_form.locator("button[type=submit]").click()
    desk.page.get_by_test_id("waiting-form").locator("button[type=submit]").click()
    desk.page.get_by_test_id("round-entries").get_by_role("link", name=TITLE).wait_for()
    desk.check()
    desk.page.get_by_test_id("panel-link").click()
    desk.page.get_by_test_id("panel-state").wait_for()
    for username in ("judge", "judge2"):
        desk.page.locator("summary", has_text="添加评委或仲裁员").click()
        desk.page.get_by_label("成员").select_option(value=str(personas[username].pk))
        desk.page.get_by_role("button", name="加入评审组").click()
        desk.page.get_by_text("已加入评审组").wait_for()
    panel_url = desk.page.url.removeprefix(desk.base_url)
    for username, marks in (("judge", (90, 80, 85, 70)), ("judge2", (86, 78, 90, 75))):
        _sign_in(phone, username)
        phone.goto(panel_url + "mark/")
        phone.page.get_by_test_id("sheets").wait_for()
        for label, mark in zip(("可行性", "创新性", "经济效益", "社会效益"), marks, strict=True):
            phone.page.get_by_label(label).fill(str(mark))
        phone.page.get_by_role("button", name="保存评分").click()
        phone.page.get_by_text("已保存。").wait_for()
        phone.check()
    phone.screenshot("proposals-judge-marks-phone")
    _sign_in(desk, "donghu_staff")
    desk.goto(panel_url)
    desk.page.get_by_test_id("lock").click()
    desk.page.get_by_test_id("panel-results").wait_for()

    # --- Decided, implemented, assessed, rewarded -------------------------------------------
    desk.goto(f"/proposals/{proposal.pk}/")
    desk.page.get_by_test_id("panel-result").wait_for()
    decide = desk.page.get_by_test_id("form-decide")
    decide.locator("[name=outcome]").select_option("shelve")
    decide.locator("button[type=submit]").click()
    desk.page.wait_for_load_state("load")
    assert "R13" in desk.page.content()  # shelving needs a reason; nothing was decided
    desk.page.get_by_test_id("form-decide").locator("[name=outcome]").select_option("adopt")
    desk.page.get_by_test_id("form-decide").locator("button[type=submit]").click()
    desk.page.get_by_test_id("form-implement").wait_for()
    implement = desk.page.get_by_test_id("form-implement")
    implement.locator("[name=implementing_org]").select_option(str(orgs["HH-DH-KD-001"].pk))
    implement.locator("[name=plan]").fill("两周内完成遮雨棚安装。")
    implement.locator("[name=owner]").fill("站长王强")
    implement.locator("[name=due]").fill(timezone.localdate().isoformat())
    implement.locator("button[type=submit]").click()
    desk.page.get_by_test_id("form-assess").wait_for()
    # A reward before the assessment is refused, naming R13.
    with pytest.raises(Exception, match="R13"):
        lifecycle.proposal_reward(actor=personas["donghu_staff"], proposal=proposal)
    assess = desk.page.get_by_test_id("form-assess")
    assess.locator("[name=kind]").select_option("saving")
    assess.locator("[name=amount]").fill("123456.78")
    assess.locator("[name=evidence]").set_input_files(str(evidence))
    assess.locator("button[type=submit]").click()
    desk.page.get_by_test_id("assessment").wait_for()
    _act(desk, "reward")
    desk.page.get_by_test_id("reward").wait_for()
    desk.check()
    desk.screenshot("proposals-rewarded-desk")
    reward = Reward.objects.get(proposal=proposal)
    assert (reward.tier, reward.amount) == (2, Decimal("2000.00"))

    # --- Recommended to the province; the submission form is read back ----------------------
    desk.goto("/proposals/batches/")
    batch_form = desk.page.get_by_test_id("batch-form")
    batch_form.locator("[name=org]").select_option(str(orgs["HH-DH"].pk))
    batch_form.locator("[name=title]").fill("东湖区合理化建议推荐（第一批）")
    batch_form.locator("button[type=submit]").click()
    candidates = desk.page.get_by_test_id("candidates-form")
    candidates.get_by_label(TITLE, exact=False).check()
    candidates.locator("[name=opinion]").fill("效益显著，推荐上报。")
    candidates.locator("button[type=submit]").click()
    desk.page.get_by_test_id("batch-items").get_by_role("link", name=TITLE).wait_for()
    desk.check()
    desk.screenshot("proposals-batch-desk")
    with desk.page.expect_download() as download:
        desk.page.get_by_test_id("batch-xlsx").click()
    path = tmp_path / "batch.xlsx"
    download.value.save_as(path)
    sheet = openpyxl.load_workbook(path).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    row = next(r for r in rows if r[1] == TITLE)
    assert row[2] == "周骑手、钱同事"
    assert row[3] == "东湖快递站点联合工会"
    assert Decimal(str(row[7])) == Decimal("12.35")  # 123,456.78 yuan in 万元
    assert row[8] == "效益显著，推荐上报。"
    assert courier.pk in set(proposal.proposers.values_list("person_id", flat=True))

    # --- The innovation figures show the year's proposal and its assessed benefit -----------
    desk.goto("/innovation/figures/")
    proposal_figures = desk.page.get_by_test_id("proposal-figures")
    assert proposal_figures.get_by_test_id("figure-proposals").inner_text() == "1"
    assert desk.page.get_by_test_id("figure-value").inner_text() == "12.35万元"
    desk.check()
    desk.screenshot("innovation-figures-desk")

    # --- The courier sees it on his phone ----------------------------------------------------
    _sign_in(phone, "courier_worker")
    phone.goto("/proposals/mine/")
    phone.page.get_by_test_id("my-proposal").get_by_role("link", name=TITLE).click()
    phone.page.get_by_test_id("reward").wait_for()
    phone.check()
    phone.screenshot("proposals-mine-rewarded-phone")
