"""R22: a bot (one address block, fresh phones, 20 votes a second for one candidate) is
flagged by the background scan; staff void the flagged votes with a reason and the tally
follows in the same transaction; an office sharing one address is flagged, not refused;
zeroing and disqualifying a candidate; every action audited with its reason."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from gonghui.appraisal.models import (
    Campaign,
    Candidate,
    CandidateState,
    FlagKind,
    FlagState,
    Vote,
    Voter,
)
from gonghui.appraisal.services import fraud, voting
from gonghui.appraisal.tests.factories import candidates, open_campaign
from gonghui.core.models import AuditEntry, Org, User

pytestmark = pytest.mark.django_db


@pytest.fixture
def campaign(personas: dict[str, User], orgs: dict[str, Org]) -> Campaign:
    return open_campaign(personas["donghu_staff"], orgs["HH-DH"])


@pytest.fixture
def field(personas: dict[str, User], orgs: dict[str, Org], campaign: Campaign) -> list[Candidate]:
    return candidates(personas["donghu_staff"], campaign, orgs["HH-DH-KD-001"], 3)


def _honest(campaign: Campaign, field: list[Candidate], n: int) -> None:
    """`n` ordinary voters, hours apart, from their own addresses, verified days ago."""
    start = timezone.now() - dt.timedelta(hours=n)
    Campaign.objects.filter(pk=campaign.pk).update(
        nominations_close=start - dt.timedelta(days=2), voting_starts=start - dt.timedelta(days=1)
    )
    campaign.refresh_from_db()
    for i in range(n):
        voter = Voter.objects.create(
            kind="phone", key=f"honest-{i}", verified_at=start - dt.timedelta(days=3)
        )
        with time_machine.travel(start + dt.timedelta(hours=i, minutes=7), tick=False):
            Campaign.objects.filter(pk=campaign.pk).update(
                voting_starts=start - dt.timedelta(days=1)
            )
            campaign.refresh_from_db()
            voting.vote_cast(
                campaign=campaign,
                candidate=field[i % 3],
                voter=voter,
                client=voting.Client(ip=f"36.{i}.1.1", user_agent="Safari", device=f"h{i}"),
            )


def _bot(campaign: Campaign, target: Candidate, n: int = 80) -> None:
    """Fresh phones from one /24, 20 votes a second for one candidate, within one minute
    (started on a minute's first second, so the burst never straddles two minutes)."""
    began = (timezone.now() - dt.timedelta(minutes=5)).replace(second=0, microsecond=0)
    for i in range(n):
        at = began + dt.timedelta(milliseconds=50 * i)
        with time_machine.travel(at, tick=False):
            voter = Voter.objects.create(kind="phone", key=f"farm-{i}", verified_at=at)
            voting.vote_cast(
                campaign=campaign,
                candidate=target,
                voter=voter,
                client=voting.Client(ip=f"117.8.9.{i % 250}", user_agent="okhttp", device=""),
            )


def test_r22_a_bot_is_flagged_and_voiding_corrects_the_tally(
    personas: dict[str, User], campaign: Campaign, field: list[Candidate]
) -> None:
    _honest(campaign, field, 12)
    _bot(campaign, field[1])
    assert voting.tally(field[1]) == 4 + 80
    flags = fraud.fraud_scan(campaign=campaign)
    kinds = {f.kind for f in flags}
    assert {FlagKind.BURST, FlagKind.SHARED_ADDRESS, FlagKind.NEW_PHONES} <= kinds
    address = next(f for f in flags if f.kind == FlagKind.SHARED_ADDRESS)
    assert address.key == "117.8.9.0/24" and address.evidence["voters"] == 80
    assert address.votes.count() == 80
    # No honest voter is caught in any flag.
    assert not Vote.objects.filter(flags__isnull=False, voter__key__startswith="honest").exists()
    staff = personas["donghu_staff"]
    with pytest.raises(ValidationError):
        fraud.flag_decide(actor=staff, flag=address, void=True, reason=" ")
    fraud.flag_decide(actor=staff, flag=address, void=True, reason="同一网段80个新号码在4秒内投票")
    assert voting.tally(field[1]) == 4
    counted = Vote.objects.filter(candidate=field[1], voided_at__isnull=True).count()
    assert counted == voting.tally(field[1])
    address.refresh_from_db()
    assert address.state == FlagState.VOIDED
    # The other flags over the same votes void nothing more.
    burst = next(f for f in flags if f.kind == FlagKind.BURST)
    fraud.flag_decide(actor=staff, flag=burst, void=True, reason="同上")
    assert voting.tally(field[1]) == 4
    entry = AuditEntry.objects.get(action="appraisal.flag_void", object_id=str(address.pk))
    assert entry.reason == "同一网段80个新号码在4秒内投票"


def test_r22_a_second_scan_adds_nothing_twice(campaign: Campaign, field: list[Candidate]) -> None:
    _bot(campaign, field[0], n=70)
    first = {(f.kind, f.key) for f in fraud.fraud_scan(campaign=campaign)}
    second = {(f.kind, f.key) for f in fraud.fraud_scan(campaign=campaign)}
    assert first == second
    assert all(f.votes.count() <= 70 for f in campaign.flags.all())


def test_r22_staff_clear_a_flag_zero_or_disqualify_a_candidate_with_reasons(
    personas: dict[str, User], campaign: Campaign, field: list[Candidate]
) -> None:
    _bot(campaign, field[2], n=70)
    flag = fraud.fraud_scan(campaign=campaign)[0]
    staff = personas["donghu_staff"]
    with pytest.raises(PermissionDenied):
        fraud.flag_decide(actor=personas["xishan_staff"], flag=flag, void=False, reason="x")
    fraud.flag_decide(actor=staff, flag=flag, void=False, reason="公司统一组织职工投票，经核实")
    assert voting.tally(field[2]) == 70
    assert fraud.candidate_zero(actor=staff, candidate=field[2], reason="查实刷票") == 70
    assert voting.tally(field[2]) == 0
    disqualified = fraud.candidate_disqualify(actor=staff, candidate=field[2], reason="查实刷票")
    assert disqualified.state == CandidateState.DISQUALIFIED
    with pytest.raises(ValidationError) as refused:
        voting.vote_cast(
            campaign=campaign,
            candidate=disqualified,
            voter=Voter.objects.create(kind="phone", key="late"),
            client=voting.Client(),
        )
    assert refused.value.error_list[0].code == "candidate"
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"appraisal.flag_dismiss", "appraisal.candidate_zero"} <= actions
    assert "appraisal.candidate_disqualify" in actions


def test_r22_an_office_sharing_one_address_is_flagged_not_refused(
    campaign: Campaign, field: list[Candidate]
) -> None:
    """Forty colleagues behind one address, minutes apart, with phones verified long ago."""
    start = timezone.now() - dt.timedelta(hours=5)
    Campaign.objects.filter(pk=campaign.pk).update(
        nominations_close=start - dt.timedelta(days=2), voting_starts=start - dt.timedelta(days=1)
    )
    campaign.refresh_from_db()
    for i in range(40):
        voter = Voter.objects.create(
            kind="phone", key=f"colleague-{i}", verified_at=start - dt.timedelta(days=30)
        )
        with time_machine.travel(start + dt.timedelta(minutes=5 * i), tick=False):
            voting.vote_cast(
                campaign=campaign,
                candidate=field[i % 3],
                voter=voter,
                client=voting.Client(ip="58.100.1.20", user_agent="WeChat", device=f"c{i}"),
            )
    assert Vote.objects.count() == 40  # nobody refused
    kinds = {f.kind for f in fraud.fraud_scan(campaign=campaign)}
    assert kinds == {FlagKind.SHARED_ADDRESS}
