"""The aid API: campaigns with their figures (for the reports and dashboards that read them)
and a worker's own applications; scoped like the pages, masked like them."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.http import Http404, HttpRequest
from ninja import Router, Schema

from gonghui.aid import selectors
from gonghui.aid.models import Campaign
from gonghui.core.permissions import Perm
from gonghui.core.scoping import actor_can

router = Router(tags=["aid"])


class CountOut(Schema):
    label: str
    count: int


class DistrictOut(Schema):
    district: str
    applications: int
    awarded: Decimal


class CampaignOut(Schema):
    id: int
    title: str
    year: int
    run_by: str
    opens_on: dt.date
    closes_on: dt.date
    budget: Decimal
    committed: Decimal
    paid: Decimal
    left: Decimal | None
    applications: int
    students_aided: int
    scoped_to_actor: bool
    by_stage: list[CountOut]
    by_status: list[CountOut]
    by_district: list[DistrictOut]


class ApplicationOut(Schema):
    id: int
    campaign_id: int
    student_name: str
    stage: str
    state: str
    status: str
    reason: str
    award: Decimal | None


def _campaign(request: HttpRequest, campaign: Campaign) -> CampaignOut:
    f = selectors.campaign_figures(actor=request.user, campaign=campaign)
    return CampaignOut(
        id=campaign.pk,
        title=campaign.title,
        year=campaign.year,
        run_by=campaign.org.name,
        opens_on=campaign.opens_on,
        closes_on=campaign.closes_on,
        budget=f.budget,
        committed=f.committed,
        paid=f.paid,
        left=None if f.scoped else f.left,
        applications=f.applications,
        students_aided=f.aided,
        scoped_to_actor=f.scoped,
        by_stage=[CountOut(label=label, count=n) for label, n in f.by_stage],
        by_status=[CountOut(label=label, count=n) for label, n in f.by_status],
        by_district=[
            DistrictOut(district=name, applications=n, awarded=money)
            for name, n, money in f.by_district
        ],
    )


@router.get("/aid/campaigns", response=list[CampaignOut])
def campaigns(request: HttpRequest) -> list[CampaignOut]:
    """Campaigns the actor works on, with figures for the actor's scope."""
    if not selectors.is_aid_staff(request.user):
        raise Http404
    return [_campaign(request, c) for c in selectors.campaigns_for(request.user)[:50]]


@router.get("/aid/campaigns/{campaign_id}", response=CampaignOut)
def campaign(request: HttpRequest, campaign_id: int) -> CampaignOut:
    return _campaign(request, selectors.campaign_get_for(request.user, campaign_id))


@router.get("/aid/applications/mine", response=list[ApplicationOut])
def my_applications(request: HttpRequest) -> list[ApplicationOut]:
    """A worker's own applications and where each stands (the phone app's list)."""
    if not actor_can(request.user, Perm.AID_APPLY):
        raise Http404
    out = []
    for a in selectors.my_applications(request.user):
        award = selectors.live_award(a)
        out.append(
            ApplicationOut(
                id=a.pk,
                campaign_id=a.campaign_id,
                student_name=a.student_name,
                stage=a.stage,
                state=a.case.state if a.case else "",
                status=selectors.application_status(a),
                reason=a.case.reason if a.case else "",
                award=award.amount if award else None,
            )
        )
    return out
