"""The demo city's aid year has the seed page's figures: 445 students aided with 2,072,100
yuan, by the tier table of R10; loading it twice changes nothing."""

from __future__ import annotations

from decimal import Decimal

import pytest

from gonghui.aid import demo, selectors
from gonghui.aid.models import Application, Award, Campaign, HouseholdMember
from gonghui.core.models import User
from gonghui.orgs import demo as orgs_demo
from gonghui.review.models import CaseState

pytestmark = pytest.mark.django_db


def test_demo_campaign_aided_445_students_with_the_seed_figure(personas) -> None:  # type: ignore[no-untyped-def]
    orgs_demo.load(size=2000)
    demo.load()
    demo.load()  # idempotent
    campaign = Campaign.objects.get()
    figures = selectors.campaign_figures(actor=personas["city_admin"], campaign=campaign)
    assert (figures.aided, figures.committed) == (445, demo.RAISED)
    assert figures.left == demo.BUDGET - demo.RAISED
    assert figures.paid < figures.committed  # the last 45 wait for the next batch
    # R10: every award is its stage's tier; R11: one award per student.
    for award in Award.objects.select_related("campaign"):
        tier = campaign.tiers.get(stage=award.stage, on_file=award.on_file)
        assert award.amount == tier.amount
    assert Award.objects.values("student_hash").distinct().count() == 445
    # R8: every on-file application's worker is on an open file, and no one is on two.
    on_file = Application.objects.filter(hardship_file__isnull=False)
    assert all(
        HouseholdMember.objects.filter(file=a.hardship_file, id_hash=a.worker_hash).exists()
        for a in on_file[:50]
    )
    assert Application.objects.filter(case__state=CaseState.UNDER_REVIEW).exists()
    assert User.objects.filter(username="city_admin").exists()
    assert figures.budget == Decimal(2_300_000)
