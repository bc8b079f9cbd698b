"""An appraisal as the tests need it, made through the services: 东湖's courier vote, voting
open now, with approved candidates from the courier station."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from gonghui.appraisal.models import Campaign, Candidate
from gonghui.appraisal.services import campaigns
from gonghui.core.models import Org, User
from gonghui.orgs.tests.factories import member


def open_campaign(staff: User, district: Org, **options: object) -> Campaign:
    """Nominations closed an hour ago, voting open for ten days."""
    now = timezone.now()
    return campaigns.campaign_create(
        actor=staff,
        org=district,
        title="东湖区最美快递员评选",
        nominations_close=now - dt.timedelta(hours=1),
        voting_starts=now - dt.timedelta(minutes=30),
        voting_ends=now + dt.timedelta(days=10),
        **options,  # type: ignore[arg-type]  # typed options passed through
    )


def candidates(staff: User, campaign: Campaign, station: Org, n: int) -> list[Candidate]:
    """`n` couriers of the station, nominated while nominations were open, and approved."""
    from gonghui.appraisal.models import Campaign as CampaignModel

    close = campaign.nominations_close
    CampaignModel.objects.filter(pk=campaign.pk).update(
        nominations_close=timezone.now() + dt.timedelta(minutes=5),
        voting_starts=timezone.now() + dt.timedelta(minutes=5),
    )
    campaign.refresh_from_db()
    made = []
    for i in range(n):
        person = member(station, f"快递员{i:02d}", platform="中通快递", job_type="快递员").person
        nomination = campaigns.nomination_submit(
            actor=staff, campaign=campaign, person=person, story="风雨无阻，准时送达。"
        )
        made.append(campaigns.candidate_decide(actor=staff, candidate=nomination, approve=True))
    CampaignModel.objects.filter(pk=campaign.pk).update(
        nominations_close=close, voting_starts=timezone.now() - dt.timedelta(minutes=30)
    )
    campaign.refresh_from_db()
    return made
