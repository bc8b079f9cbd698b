"""Issue "Organisations, members": as a new user would. 东湖's grassroots chair imports a roster
with bad rows, reads the error report, fixes the file and imports it, sees the members, admits
a courier who applied on a phone, and cannot reach 西山's members by URL or API (R1–R4)."""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
import pytest
from playwright.sync_api import Browser

from gonghui.core.demo.city import DEMO_PASSWORD
from gonghui.core.models import Org, User
from gonghui.orgs.tests.factories import good_rows, member, resident_id, roster_xlsx
from tests.browser.conftest import PHONE, Visit

pytestmark = pytest.mark.django_db(transaction=True)


def test_chair_imports_fixes_sees_members_admits_a_courier_and_stays_in_scope(
    desk: Visit,
    browser: Browser,
    live_server: object,
    personas: dict[str, User],
    orgs: dict[str, Org],
    tmp_path: Path,
) -> None:
    page = desk.page
    xishan = member(orgs["HH-XS-JD1-001"], "西山会员")
    rows: list[list[object]] = [list(r) for r in good_rows(3)]
    bad = ["错号码", "110105194912310021", "1949.12", "2021.05", "B1"]
    first = tmp_path / "花名册.xlsx"
    first.write_bytes(roster_xlsx([*rows, bad]))

    desk.login("factory_chair", DEMO_PASSWORD)
    desk.goto("/roster/")
    page.get_by_label("花名册文件（.xlsx、.xls 或 .csv）").set_input_files(str(first))
    page.get_by_role("button", name="上传并继续").click()
    page.get_by_role("heading", name="2. 对应各列").wait_for()
    desk.check()
    desk.screenshot("roster-map")
    page.get_by_role("button", name="逐行检查").click()
    page.get_by_test_id("check-summary").wait_for()
    desk.check()
    assert "校验位不正确" in page.get_by_test_id("errors").inner_text()
    desk.screenshot("roster-check")

    with page.expect_download() as download:
        page.get_by_role("link", name="下载错误报告（.xlsx）").first.click()
    report = openpyxl.load_workbook(io.BytesIO(Path(download.value.path()).read_bytes()))
    sheet = report.active
    assert sheet is not None
    report_rows = list(sheet.iter_rows(values_only=True))
    assert report_rows[0][-1] == "错误原因" and "校验位" in str(report_rows[1][-1])

    page.get_by_label("全部或不导入：所有行无误才导入").check()
    page.get_by_role("button", name="导入", exact=True).click()
    page.get_by_text("未导入任何数据").wait_for()
    desk.screenshot("roster-nothing")

    fixed = tmp_path / "花名册-改正.xlsx"
    bad[1], bad[2] = resident_id(), "1990.01"
    fixed.write_bytes(roster_xlsx([*rows, bad]))
    desk.goto("/roster/")
    page.get_by_label("花名册文件（.xlsx、.xls 或 .csv）").set_input_files(str(fixed))
    page.get_by_role("button", name="上传并继续").click()
    page.get_by_role("button", name="逐行检查").click()
    page.get_by_test_id("check-summary").wait_for()
    page.get_by_role("button", name="导入", exact=True).click()
    page.get_by_role("link", name="查看会员").click()
    page.get_by_test_id("member-table").wait_for()
    desk.check()
    table = page.get_by_test_id("member-table").inner_text()
    assert "职工0" in table and "错号码" in table and "西山会员" not in table
    desk.screenshot("members")

    courier = browser.new_context(viewport=PHONE, locale="zh-CN")  # type: ignore[arg-type]  # ViewportSize
    phone = Visit(courier.new_page(), desk.base_url)
    phone.goto(f"/join/?union={orgs['HH-DH-JD1-001'].pk}")
    phone.page.get_by_label("姓名").fill("吴快递")
    phone.page.get_by_label("居民身份证号码").fill(resident_id())
    phone.page.get_by_label("手机号码").fill("13900002222")
    phone.page.get_by_label("新就业形态").select_option("courier")
    phone.page.get_by_label("平台").fill("顺丰速运")
    phone.page.get_by_role("button", name="提交申请").click()
    phone.page.get_by_test_id("join-done").wait_for()
    phone.check()
    phone.screenshot("join-phone")
    courier.close()

    desk.goto("/applications/")
    desk.screenshot("applications")
    page.get_by_role("button", name="同意 吴快递 入会").click()
    page.get_by_text("吴快递 已入会。").wait_for()

    desk.goto(f"/members/{xishan.person_id}/")
    assert page.get_by_role("heading", name="页面不存在").is_visible()
    api = page.request.get(f"{desk.base_url}/api/v1/members/{xishan.person_id}")
    assert api.status == 404 and api.json()["code"] == "not_found"
    listing = page.request.get(f"{desk.base_url}/api/v1/members?q=西山会员").json()
    assert listing["count"] == 0


def test_member_pages_on_a_phone(
    phone: Visit, personas: dict[str, User], orgs: dict[str, Org]
) -> None:
    m = member(orgs["HH-DH-JD1-001"], "手机看")
    phone.login("factory_chair", DEMO_PASSWORD)
    phone.goto("/members/")
    phone.screenshot("members-phone")
    phone.goto(f"/members/{m.person_id}/")
    phone.page.get_by_role("button", name="查看完整信息（留痕）").click()
    phone.page.get_by_test_id("full-id").wait_for()
    assert phone.page.get_by_test_id("full-id").inner_text() == m.person.id_number
    phone.check()
    phone.screenshot("member-phone")
    phone.goto("/orgs/")
    phone.screenshot("tree-phone")


def test_org_page_draws_members_by_organisation_below(
    desk: Visit, personas: dict[str, User], orgs: dict[str, Org]
) -> None:
    member(orgs["HH-DH-JD1-001"], "图表甲")
    member(orgs["HH-XS-JD1-001"], "图表乙")
    desk.login("city_admin", DEMO_PASSWORD)
    desk.goto(f"/orgs/{orgs['HH'].pk}/")
    desk.page.locator(".gh-chart svg").first.wait_for()
    assert "东湖区总工会" in desk.page.locator(".gh-chart").inner_text()
    desk.check()
    desk.screenshot("org-page-chart")
