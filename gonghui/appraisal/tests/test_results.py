"""R22: the public vote never decides alone. After voting, the jury scores through the scoring
panel (judges recused from their own employer's candidates, R18); the final score blends the
vote on a 100 scale with the jury's score (default 40/60); ties go to the jury, then to
votes; the top `winners` are recognised and merit awards go to the rest of the top half."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from gonghui.appraisal.models import AppraisalResult, Campaign, Candidate, Vote, Voter
from gonghui.appraisal.services import campaigns, results, voting
from gonghui.appraisal.tests.factories import candidates, open_campaign
from gonghui.core.models import Org, User
from gonghui.scoring import engine
from gonghui.scoring import services as scoring

pytestmark = pytest.mark.django_db

# Candidate index → (votes, jury marks deeds/service/skill)
FIELD = {0: (50, (30, 20, 20)), 1: (10, (40, 30, 30)), 2: (25, (35, 25, 25)), 3: (0, (20, 15, 15))}


def test_r22_blend_weighs_the_vote_against_the_jury() -> None:
    final = engine.blend_public_vote(
        {"a": 50, "b": 10}, {"a": Decimal(70), "b": Decimal(100)}, public_weight=Decimal("0.4")
    )
    assert final == {"a": Decimal("82.00"), "b": Decimal("68.00")}
    with pytest.raises(ValueError, match="below 1"):
        engine.blend_public_vote({"a": 1}, {"a": Decimal(1)}, public_weight=Decimal(1))


def test_r22_a_campaign_where_the_vote_decides_alone_is_refused(
    personas: dict[str, User], orgs: dict[str, Org]
) -> None:
    with pytest.raises(ValidationError):
        open_campaign(personas["donghu_staff"], orgs["HH-DH"], public_weight=Decimal(1))


def _voted(campaign: Campaign, field: list[Candidate]) -> None:
    for index, (votes, _marks) in FIELD.items():
        for n in range(votes):
            voter, _created = Voter.objects.get_or_create(kind="phone", key=f"v{index}-{n}")
            voting.vote_cast(
                campaign=campaign, candidate=field[index], voter=voter, client=voting.Client()
            )
    Campaign.objects.filter(pk=campaign.pk).update(voting_ends=timezone.now())
    campaign.refresh_from_db()


def test_r22_jury_then_final_ranking(personas: dict[str, User], orgs: dict[str, Org]) -> None:
    staff = personas["donghu_staff"]
    campaign = open_campaign(staff, orgs["HH-DH"], winners=1)
    field = candidates(staff, campaign, orgs["HH-DH-KD-001"], 4)
    with pytest.raises(ValidationError):
        results.jury_open(actor=staff, campaign=campaign)  # voting still open
    _voted(campaign, field)
    panel = results.jury_open(actor=staff, campaign=campaign)
    assert panel.entries.count() == 4
    for username in ("judge", "judge2"):
        scoring.judge_add(actor=staff, panel=panel, user=personas[username])
    for entry in panel.entries.all():
        deeds, service, skill = FIELD[[c.pk for c in field].index(int(entry.object_id))][1]
        for username in ("judge", "judge2"):
            scoring.sheet_save(
                actor=personas[username],
                panel=panel,
                entry=entry,
                marks={"deeds": str(deeds), "service": str(service), "skill": str(skill)},
            )
    with pytest.raises(ValidationError):
        results.results_compute(actor=staff, campaign=campaign)  # jury not locked
    scoring.results_lock(actor=staff, panel=panel)
    rows = results.results_compute(actor=staff, campaign=campaign)
    table = {r.candidate_id: r for r in rows}
    # 0: 0.4×100 + 0.6×70 = 82.00; 1: 0.4×20 + 0.6×100 = 68.00; 2: 0.4×50 + 0.6×85 = 71.00;
    # 3: 0 + 0.6×50 = 30.00
    assert [table[c.pk].final for c in field] == [
        Decimal("82.00"),
        Decimal("68.00"),
        Decimal("71.00"),
        Decimal("30.00"),
    ]
    assert [table[c.pk].rank for c in field] == [1, 3, 2, 4]
    assert [table[c.pk].recognised for c in field] == [True, False, False, False]
    assert [table[c.pk].merit for c in field] == [False, False, True, False]  # top half
    with pytest.raises(ValidationError):
        results.results_compute(actor=staff, campaign=campaign)  # once
    assert AppraisalResult.objects.count() == 4


def test_r22_a_shortlist_campaign_ranks_the_shortlist_by_the_jury(
    personas: dict[str, User], orgs: dict[str, Org]
) -> None:
    staff = personas["donghu_staff"]
    campaign = open_campaign(staff, orgs["HH-DH"], winners=1, shortlist_only=True)
    field = candidates(staff, campaign, orgs["HH-DH-KD-001"], 4)
    _voted(campaign, field)
    panel = results.jury_open(actor=staff, campaign=campaign)
    shortlisted = {int(e.object_id) for e in panel.entries.all()}
    assert shortlisted == {field[0].pk, field[2].pk}  # the 2 × winners with most votes
    scoring.judge_add(actor=staff, panel=panel, user=personas["judge"])
    for entry in panel.entries.all():
        better = int(entry.object_id) == field[2].pk
        scoring.sheet_save(
            actor=personas["judge"],
            panel=panel,
            entry=entry,
            marks={"deeds": "40" if better else "20", "service": "20", "skill": "20"},
        )
    scoring.results_lock(actor=staff, panel=panel)
    rows = results.results_compute(actor=staff, campaign=campaign)
    winner = next(r for r in rows if r.recognised)
    assert winner.candidate_id == field[2].pk  # fewer votes, the jury's choice
    assert Vote.objects.count() == 85
    assert campaigns.years_of_service(field[0].person, dt.date(2026, 5, 1)) == 6
