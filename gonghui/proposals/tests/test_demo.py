"""The demo city's proposals: 208 this year across 东湖区 and 西山区, consistent with R13 (every
reward rests on an assessment, batches hold adopted proposals only); loading twice changes
nothing, and it loads fast."""

from __future__ import annotations

import time

import pytest
from django.db.models import Q
from django.utils import timezone

from gonghui.core.models import Org, User
from gonghui.orgs import demo as orgs_demo
from gonghui.proposals import demo
from gonghui.proposals.models import ADOPTED, BatchItem, Proposal, Reward, Stage
from gonghui.proposals.selectors import proposal_figures
from gonghui.review.models import CaseState, ReviewCase
from gonghui.scoring.models import PanelState, Result

pytestmark = pytest.mark.django_db


def test_r13_demo_proposals_are_consistent_and_idempotent(personas: dict[str, User]) -> None:
    orgs_demo.load(size=2000)
    started = time.monotonic()
    demo.load()
    elapsed = time.monotonic() - started
    demo.load()
    assert elapsed < 3
    assert Proposal.objects.count() == demo.TOTAL == 208
    assert not Proposal.objects.exclude(
        Q(org__code__startswith="HH-DH") | Q(org__code__startswith="HH-XS")
    ).exists()
    assert Proposal.objects.filter(submitted_by=personas["courier_worker"]).count() == 3
    assert ReviewCase.objects.filter(program="proposals.preliminary").count() == 208
    assert not Proposal.objects.filter(stage=Stage.PANEL, round__isnull=False).exists()
    assert (
        Result.objects.filter(panel__state=PanelState.LOCKED).count()
        == Proposal.objects.filter(round__isnull=False).count()
    )
    assert all(
        r.assessment.proposal_id == r.proposal_id
        for r in Reward.objects.select_related("assessment")
    )
    assert Reward.objects.filter(cancelled_at__isnull=False).count() == 1
    assert not BatchItem.objects.exclude(proposal__outcome__in=list(ADOPTED)).exists()
    assert BatchItem.objects.count() > 100
    assert ReviewCase.objects.filter(
        state=CaseState.UNDER_REVIEW, program="proposals.preliminary"
    ).exists()
    figures = proposal_figures(
        personas["city_admin"], Org.objects.get(code="HH"), timezone.localdate().year
    )
    assert figures.submitted == 208 and figures.members > 0 and figures.benefit_total > 0
