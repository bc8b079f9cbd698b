"""Issue "Review chains and public notices": the golden-autumn year as the real roles play it.
A courier applies on his phone; his union checks and submits; 东湖 and the city approve (R5);
the city publishes the notice, which runs 5 working days across the National Day holiday
(R6, time moved on in the test); an anonymous visitor objects and the city answers; the
notice closes by itself once the period is over and the case is confirmed; a payment batch
is made, its bank .xlsx opened and checked, the batch paid (R12); the campaign's figures
follow each step."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import openpyxl
import pytest
import time_machine
from django.core.management import call_command

from gonghui.aid.models import Application, Award, Campaign
from gonghui.aid.services import autumn
from gonghui.aid.tests.factories import PDF, PNG, household_file, living_lines
from gonghui.core.demo.city import DEMO_PASSWORD
from gonghui.core.models import Org, User
from gonghui.core.workdays import add_working_days
from gonghui.orgs.tests.factories import member, resident_id
from gonghui.review.models import CaseState, Notice, Objection
from tests.browser.conftest import Visit

pytestmark = pytest.mark.django_db(transaction=True)

SHANGHAI = ZoneInfo("Asia/Shanghai")
PUBLISHED = dt.date(2026, 9, 28)  # a Monday, two days before the National Day holiday


def at(day: dt.date, hour: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=SHANGHAI)


@pytest.fixture
def campaign(personas: dict[str, User], orgs: dict[str, Org]) -> Campaign:
    """The city's campaign, and the courier: a member of his station's union, on file."""
    courier = member(orgs["HH-DH-KD-001"], "周骑手", user=personas["courier_worker"]).person
    living_lines(personas["city_admin"], [orgs["HH-DH"]])
    household_file(personas["courier_chair"], orgs["HH-DH-KD-001"], courier)
    from gonghui.aid.defaults import DEMO_TIERS

    return autumn.campaign_save(
        actor=personas["city_admin"],
        org=orgs["HH"],
        data=autumn.CampaignData(
            title="2026年金秋助学",
            year=2026,
            budget=Decimal(100_000),
            opens_on=dt.date(2026, 6, 25),
            closes_on=dt.date(2026, 10, 31),
        ),
        tiers=DEMO_TIERS,
    )


@pytest.fixture
def documents(tmp_path: Path) -> dict[str, Path]:
    files = {"录取通知书.pdf": PDF, "缴费单.png": PNG, "低保证明.pdf": PDF}
    for name, content in files.items():
        (tmp_path / name).write_bytes(content)
    return {name: tmp_path / name for name in files}


@pytest.fixture
def clock() -> Iterator[time_machine.Traveller]:
    with time_machine.travel(at(PUBLISHED, 9), tick=True) as traveller:
        yield traveller


def _sign_in(visit: Visit, username: str) -> None:
    visit.page.context.clear_cookies()
    visit.login(username, DEMO_PASSWORD)


def _figure(visit: Visit, campaign: Campaign, name: str) -> str:
    visit.goto(f"/aid/campaigns/{campaign.pk}/")
    return visit.page.get_by_test_id(name).inner_text().strip()


def test_the_golden_autumn_year(
    phone: Visit,
    desk: Visit,
    personas: dict[str, User],
    orgs: dict[str, Org],
    campaign: Campaign,
    documents: dict[str, Path],
    clock: time_machine.Traveller,
) -> None:
    # --- The courier applies for his son on his phone -------------------------------------
    student_id = resident_id(dt.date(2007, 9, 1))
    page = phone.page
    phone.login("courier_worker", DEMO_PASSWORD)
    phone.goto("/aid/apply/")
    page.get_by_label("学生姓名").fill("周小川")
    page.get_by_label("学生身份证号").fill(student_id)
    page.get_by_label("今年秋季学段").select_option(label="本科")
    page.get_by_label("学校", exact=True).fill("淮河大学")
    page.get_by_test_id("eligibility").filter(has_text="目前未发现").wait_for()
    page.get_by_label("户名").fill("周骑手")
    page.get_by_label("开户银行及网点").fill("淮河农商行东湖支行")
    page.get_by_label("银行卡号").fill("6230 5801 2345 6789 012")
    page.get_by_label("手机号码").fill("13912345678")
    page.get_by_label("录取通知书或学籍证明").set_input_files(documents["录取通知书.pdf"])
    page.get_by_label("缴费证明").set_input_files(documents["缴费单.png"])
    page.get_by_label("收入或困难证明").set_input_files(documents["低保证明.pdf"])
    phone.check()
    phone.screenshot("aid-apply-phone")
    page.get_by_role("button", name="提交申请").click()
    page.get_by_text("申请已收到").wait_for()
    assert "等待工会审核" in page.get_by_test_id("status").inner_text()
    phone.check()
    application = Application.objects.get()
    assert application.on_file and application.documents.count() == 3

    # --- His union checks the documents and submits ----------------------------------------
    desk.login("courier_chair", DEMO_PASSWORD)
    desk.goto("/aid/applications/")
    desk.page.get_by_role("link", name="周小川").click()
    desk.page.get_by_test_id("documents").wait_for()
    assert "未发现不符合条件之处" in desk.page.get_by_test_id("eligibility").inner_text()
    desk.page.get_by_label("审核通过，报送上级").check()
    desk.page.get_by_role("button", name="记录审核意见").click()
    desk.page.get_by_test_id("status").filter(has_text="东湖区总工会 审核中").wait_for()
    desk.check()
    desk.screenshot("aid-application-checked")

    # --- 东湖 approves, then the city (R5: one level at a time) ------------------------------
    case = Application.objects.get().case
    assert case is not None
    for reviewer in ("donghu_staff", "city_admin"):
        _sign_in(desk, reviewer)
        desk.goto(f"/review/cases/{case.pk}/")
        desk.page.get_by_role("button", name="同意").click()
        desk.page.get_by_text("审批意见已记录").wait_for()
    assert Award.objects.get().amount == Decimal(6280)  # R10: undergraduate, on file
    assert _figure(desk, campaign, "committed") == "¥6,280.00"
    assert _figure(desk, campaign, "paid") == "¥0.00"

    # --- The city publishes the notice: 5 working days across National Day (R6) -----------
    desk.goto("/review/publish/")
    desk.page.get_by_label(case.title).check()
    desk.page.get_by_label("公示标题").fill("2026年金秋助学拟资助学生公示")
    desk.page.get_by_role("button", name="发布").click()
    desk.page.get_by_test_id("notice-entries").wait_for()
    notice = Notice.objects.get()
    assert notice.ends_on == add_working_days(PUBLISHED, 5).date == dt.date(2026, 10, 10)
    assert "2026-10-10" in desk.page.content()  # the adjusted working Saturday counts
    entries = desk.page.get_by_test_id("notice-entries").inner_text()
    assert "周*川" in entries and "周小川" not in entries and student_id not in desk.page.content()

    # --- An anonymous visitor objects on a phone the next day; the city answers -------------
    clock.move_to(at(dt.date(2026, 9, 29), 20))
    page.context.clear_cookies()
    phone.goto(f"/notices/{notice.pk}/")
    page.get_by_label("针对").select_option(index=1)
    page.get_by_label("理由").fill("听说该生家里新买了车")
    page.get_by_role("button", name="提交异议").click()
    page.get_by_text("异议已收到").wait_for()
    phone.check()
    phone.screenshot("aid-notice-objection-phone")

    clock.move_to(at(dt.date(2026, 9, 30), 10))
    _sign_in(desk, "city_admin")  # sessions end after a working day
    desk.goto(f"/notices/{notice.pk}/objections/")
    desk.page.get_by_label("答复").fill("经入户核实，车辆为单位配发的快递三轮车，不影响认定")
    desk.page.get_by_role("button", name="记录答复").click()
    desk.page.get_by_text("答复已记录").wait_for()
    assert Objection.objects.get().sustained is False

    # --- The period is not over on its last day; it closes by itself the day after ---------
    clock.move_to(at(dt.date(2026, 10, 10), 16))
    call_command("review_close_notices")  # what the scheduler runs; the task does the same
    notice.refresh_from_db()
    assert notice.state == "open"
    clock.move_to(at(dt.date(2026, 10, 11), 8))
    call_command("review_close_notices")
    notice.refresh_from_db()
    case.refresh_from_db()
    assert (notice.state, case.state) == ("closed", CaseState.CONFIRMED)
    _sign_in(phone, "courier_worker")
    phone.goto(f"/aid/applications/{Application.objects.get().pk}/")
    assert "已确认" in page.get_by_test_id("status").inner_text()

    # --- A payment batch, its bank file, and the payment -----------------------------------
    clock.move_to(at(dt.date(2026, 10, 12), 10))
    _sign_in(desk, "city_admin")
    desk.goto(f"/aid/campaigns/{campaign.pk}/batches/")
    desk.page.get_by_role("button", name="生成发放批次").click()
    desk.page.get_by_test_id("batch-awards").wait_for()
    with desk.page.expect_download() as download:
        desk.page.get_by_test_id("bank-file").click()
    book = openpyxl.load_workbook(io.BytesIO(Path(download.value.path()).read_bytes()))
    rows = list(book.active.iter_rows(values_only=True))  # type: ignore[union-attr]
    assert rows[1][:5] == ("序号", "户名", "账号", "开户行", "金额（元）")
    assert rows[2][1:5] == ("周骑手", "6230580123456789012", "淮河农商行东湖支行", 6280)
    desk.page.get_by_label("银行流水号").fill("NSYH20261012001")
    desk.page.get_by_role("button", name="标记为已发放").click()
    desk.page.get_by_text("该批次已标记为已发放").wait_for()
    desk.check()
    desk.screenshot("aid-batch")

    # --- The campaign's figures followed every step ---------------------------------------
    assert _figure(desk, campaign, "paid") == "¥6,280.00"
    assert desk.page.get_by_test_id("aided").inner_text().strip() == "1"
    assert desk.page.get_by_test_id("left").inner_text().strip() == "¥93,720.00"
    desk.check()
    desk.screenshot("aid-campaign")
