"""Voting through the services (R20, R21, R22): a voter verified by an SMS code read from the
outbox; five votes a day, one per candidate, only in the window; the tally is the sum of
its shards and equals the counted rows; views and likes counted apart, once per viewer;
nominations, eligibility and the staff's decisions."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from gonghui.appraisal.models import Campaign, Candidate, CandidateState, Vote, Voter
from gonghui.appraisal.services import campaigns, counters, voting
from gonghui.appraisal.tests.factories import candidates, open_campaign
from gonghui.core.models import AuditEntry, Org, User
from gonghui.core.sms import outbox_for
from gonghui.orgs.tests.factories import member

pytestmark = pytest.mark.django_db

STATION = "HH-DH-KD-001"
PHONE = "13800138000"
CLIENT = voting.Client(ip="10.1.2.3", user_agent="Mozilla/5.0 (iPhone)", device="dev-1")


def _codes(excinfo: pytest.ExceptionInfo[ValidationError]) -> list[str]:
    return [e.code or "" for e in excinfo.value.error_list]


@pytest.fixture
def campaign(personas: dict[str, User], orgs: dict[str, Org]) -> Campaign:
    return open_campaign(personas["donghu_staff"], orgs["HH-DH"])


@pytest.fixture
def field(personas: dict[str, User], orgs: dict[str, Org], campaign: Campaign) -> list[Candidate]:
    return candidates(personas["donghu_staff"], campaign, orgs[STATION], 7)


def _voter(phone: str = PHONE) -> Voter:
    voting.phone_code_send(phone=phone)
    text = outbox_for(phone)[0].text
    code = re.search(r"\d{6}", text)
    assert code is not None
    return voting.phone_code_check(phone=phone, code=code.group())


def test_r21_a_voter_is_a_phone_verified_by_the_code_in_the_outbox() -> None:
    voting.phone_code_send(phone=PHONE)
    with pytest.raises(ValidationError) as wrong:
        voting.phone_code_check(phone=PHONE, code="000000")
    assert _codes(wrong) == ["wrong_code"]
    voter = _voter()
    assert voter.kind == "phone" and PHONE not in voter.key
    assert _voter() == voter  # the same phone is the same voter
    with pytest.raises(ValidationError) as bad:
        voting.phone_code_send(phone="12345")
    assert _codes(bad) == ["phone"]


def test_r21_five_votes_a_day_one_per_candidate(campaign: Campaign, field: list[Candidate]) -> None:
    voter = _voter()
    for candidate in field[:5]:
        voting.vote_cast(campaign=campaign, candidate=candidate, voter=voter, client=CLIENT)
    with pytest.raises(ValidationError) as again:
        voting.vote_cast(campaign=campaign, candidate=field[0], voter=voter, client=CLIENT)
    assert _codes(again) == ["again"]
    with pytest.raises(ValidationError) as sixth:
        voting.vote_cast(campaign=campaign, candidate=field[5], voter=voter, client=CLIENT)
    assert _codes(sixth) == ["daily_limit"]
    assert Vote.objects.count() == 5
    assert sorted(Vote.objects.values_list("slot", flat=True)) == [1, 2, 3, 4, 5]
    vote = Vote.objects.first()
    assert vote is not None and (vote.ip, vote.device) == ("10.1.2.3", "dev-1")  # R22


def test_r21_a_new_day_gives_new_votes(campaign: Campaign, field: list[Candidate]) -> None:
    voter = _voter()
    voting.vote_cast(campaign=campaign, candidate=field[0], voter=voter, client=CLIENT)
    with time_machine.travel(timezone.now() + dt.timedelta(days=1)):
        voting.vote_cast(campaign=campaign, candidate=field[0], voter=voter, client=CLIENT)
    assert voting.tally(field[0]) == 2


def test_r21_votes_outside_the_window_are_refused(
    campaign: Campaign, field: list[Candidate]
) -> None:
    voter = _voter()
    Campaign.objects.filter(pk=campaign.pk).update(voting_ends=timezone.now())
    campaign.refresh_from_db()
    with pytest.raises(ValidationError) as closed:
        voting.vote_cast(campaign=campaign, candidate=field[0], voter=voter, client=CLIENT)
    assert _codes(closed) == ["window"]
    assert not Vote.objects.exists()


def test_r21_the_tally_is_the_sum_of_its_shards_and_equals_the_rows(
    campaign: Campaign, field: list[Candidate]
) -> None:
    for n in range(12):
        voting.vote_cast(
            campaign=campaign, candidate=field[0], voter=_voter(f"1390000{n:04d}"), client=CLIENT
        )
    assert voting.tally(field[0]) == 12 == Vote.objects.filter(candidate=field[0]).count()
    assert voting.tallies(campaign)[field[0].pk] == 12


def test_r20_views_and_likes_count_apart_and_once_per_viewer(field: list[Candidate]) -> None:
    cache.clear()
    candidate = field[0]
    for _reload in range(5):
        counters.count(candidate_id=candidate.pk, field="views", viewer="phone-a")
    counters.count(candidate_id=candidate.pk, field="views", viewer="phone-b")
    counters.count(candidate_id=candidate.pk, field="likes", viewer="phone-a")
    candidate.refresh_from_db()
    assert counters.shown(candidate, "views") == 2
    assert counters.shown(candidate, "likes") == 1
    assert voting.tally(candidate) == 0  # three separate counts
    counters.flush_all([candidate.pk])
    candidate.refresh_from_db()
    assert (candidate.views, candidate.likes) == (2, 1)
    assert counters.shown(candidate, "views") == 2  # nothing counted twice after a flush


def test_r20_views_reach_the_database_in_batches(field: list[Candidate]) -> None:
    cache.clear()
    candidate = field[0]
    counters.count(candidate_id=candidate.pk, field="views", viewer="first")  # flushes: new
    for n in range(counters.FLUSH_EVERY - 1):
        counters.count(candidate_id=candidate.pk, field="views", viewer=f"v{n}")
    candidate.refresh_from_db()
    assert candidate.views == 1  # the rest wait in the cache
    counters.count(candidate_id=candidate.pk, field="views", viewer="the-fiftieth-waiting")
    candidate.refresh_from_db()
    assert candidate.views == 1 + counters.FLUSH_EVERY


def test_nominations_check_eligibility_and_a_refusal_needs_a_reason(
    personas: dict[str, User], orgs: dict[str, Org]
) -> None:
    staff = personas["donghu_staff"]
    now = timezone.now()
    campaign = campaigns.campaign_create(
        actor=staff,
        org=orgs["HH-DH"],
        title="东湖区最美快递员评选",
        nominations_close=now + dt.timedelta(days=3),
        voting_starts=now + dt.timedelta(days=5),
        voting_ends=now + dt.timedelta(days=15),
        min_years=8,
    )
    courier = member(orgs[STATION], "周骑手", platform="中通快递").person
    nomination = campaigns.nomination_submit(
        actor=personas["courier_chair"], campaign=campaign, person=courier, story="十年无投诉"
    )
    assert nomination.nominated_by_org == orgs["HH-DH-KD"]  # the industry federation
    with pytest.raises(ValidationError) as young:
        campaigns.candidate_decide(actor=staff, candidate=nomination, approve=True)
    assert "8" in young.value.messages[0]  # six years of membership, eight asked
    with pytest.raises(ValidationError):
        campaigns.candidate_decide(actor=staff, candidate=nomination, approve=False)
    refused = campaigns.candidate_decide(
        actor=staff, candidate=nomination, approve=False, reason="会龄不足8年"
    )
    assert refused.state == CandidateState.REFUSED and refused.number is None
    with pytest.raises(PermissionDenied):
        campaigns.nomination_submit(
            actor=personas["xishan_staff"],
            campaign=campaign,
            person=member(orgs[STATION], "吴骑手", platform="美团").person,
            story="x",
        )
    assert AuditEntry.objects.filter(action="appraisal.candidate_decide").exists()


def test_candidates_are_numbered_in_the_order_approved(field: list[Candidate]) -> None:
    assert [c.number for c in field] == [1, 2, 3, 4, 5, 6, 7]
