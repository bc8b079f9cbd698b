"""Issue "Public appraisal voting", the voter's and the staff's part: on a phone, a member of
the public opens the courier vote, verifies the phone with the code the SMS outbox holds,
votes for five couriers, finds the sixth refused with the reason and the voted candidates
marked (R21); at a desk, 东湖's staff scan the votes, find the vote farm's cluster with its
evidence and void it with a reason; the tally drops in the same step and the audit log shows
the action (R22)."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone

from gonghui.appraisal.models import Campaign, Candidate, Vote, Voter
from gonghui.appraisal.services import voting
from gonghui.appraisal.tests.factories import candidates, open_campaign
from gonghui.core.demo.city import DEMO_PASSWORD
from gonghui.core.models import AuditEntry, Org, User
from gonghui.core.sms import outbox_for
from tests.browser.conftest import Visit

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = "13700001234"


@pytest.fixture
def campaign(personas: dict[str, User], orgs: dict[str, Org]) -> Campaign:
    return open_campaign(personas["donghu_staff"], orgs["HH-DH"])


@pytest.fixture
def field(personas: dict[str, User], orgs: dict[str, Org], campaign: Campaign) -> list[Candidate]:
    made = candidates(personas["donghu_staff"], campaign, orgs["HH-DH-KD-001"], 6)
    began = timezone.now()
    for i in range(70):  # a vote farm for No. 6: one /24, fresh phones, seconds apart
        voting.vote_cast(
            campaign=campaign,
            candidate=made[5],
            voter=Voter.objects.create(kind="phone", key=f"farm-{i}", verified_at=began),
            client=voting.Client(ip=f"117.8.9.{i + 1}", user_agent="okhttp/3.12"),
        )
    return made


def test_a_phone_votes_five_times_and_staff_void_a_farm(
    phone: Visit, desk: Visit, campaign: Campaign, field: list[Candidate]
) -> None:
    page = phone.page
    phone.goto(f"/vote/{campaign.pk}/")
    phone.screenshot("appraisal-campaign-phone")
    page.get_by_test_id("candidates").get_by_role("link").first.click()
    page.get_by_test_id("actions").wait_for()
    phone.check()
    page.get_by_role("link", name="验证手机号后投票").click()
    page.get_by_label("手机号码").fill(PHONE)
    page.get_by_role("button", name="发送验证码").click()
    page.get_by_text("6位验证码已通过短信发送").wait_for()
    phone.check()
    found = re.search(r"\d{6}", outbox_for(PHONE)[0].text)
    assert found is not None
    page.get_by_label("验证码").fill(found.group())
    page.get_by_role("button", name="验证", exact=True).click()
    page.get_by_test_id("voter-bar").filter(has_text="您今天还有 5 票").wait_for()

    for number in range(1, 5):
        phone.goto(f"/vote/{campaign.pk}/{number}/")
        page.get_by_role("button", name="投票").click()
        page.get_by_text(f"您为 {number} 号投的票已计入").wait_for()
        left = page.get_by_test_id("voter-bar").inner_text()
        assert f"您今天还有 {5 - number} 票" in left  # the bar follows the vote
    phone.check()
    assert page.get_by_role("button", name="今日已投").is_disabled()  # no second vote today
    # No. 6's page is left open with one vote to go; the fifth goes to No. 5 in another tab.
    phone.goto(f"/vote/{campaign.pk}/6/")
    other = page.context.new_page()
    other.goto(f"{phone.base_url}/vote/{campaign.pk}/5/")
    other.get_by_role("button", name="投票").click()
    other.get_by_text("您为 5 号投的票已计入").wait_for()
    other.close()
    page.get_by_role("button", name="投票").click()
    page.get_by_test_id("vote-error").filter(has_text="您今天的 5 票已用完").wait_for()
    phone.goto(f"/vote/{campaign.pk}/6/")
    assert page.get_by_role("button", name="今日票数已用完").is_disabled()
    phone.screenshot("appraisal-sixth-refused-phone")
    phone.goto(f"/vote/{campaign.pk}/")
    assert page.get_by_text("今日已投").count() == 5
    assert Vote.objects.filter(voter__key__startswith="farm").count() == 70
    assert Vote.objects.exclude(voter__key__startswith="farm").count() == 5

    desk.login("donghu_staff", DEMO_PASSWORD)
    desk.goto(f"/appraisal/{campaign.pk}/flags/")
    desk.page.get_by_role("button", name="立即排查投票").click()
    desk.page.get_by_text("排查完成").wait_for()
    cluster = desk.page.get_by_test_id("flag").filter(has_text="117.8.9.0/24")
    assert "70" in cluster.get_by_test_id("evidence").inner_text()
    desk.check()
    desk.screenshot("appraisal-flags")
    cluster.get_by_label("理由").fill("同一网段70个新注册号码在数秒内集中投票")
    cluster.get_by_role("button", name="作废这些投票").click()
    desk.page.get_by_text("投票已作废，票数已更正").wait_for()
    assert voting.tally(field[5]) == 0  # the phone never voted for No. 6
    assert AuditEntry.objects.filter(
        action="appraisal.flag_void", reason="同一网段70个新注册号码在数秒内集中投票"
    ).exists()
