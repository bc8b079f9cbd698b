"""Reads of appraisal: which campaigns an actor runs or nominates for, the public standings
as the campaign shows them (live, as of last midnight, or hidden), and the flags to review."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, QuerySet
from django.http import Http404
from django.utils import timezone

from gonghui.appraisal.models import Campaign, Candidate, CandidateState, CountDisplay, Vote
from gonghui.appraisal.services import voting
from gonghui.core.permissions import Perm
from gonghui.core.scoping import Actor, actor_can, org_line_q
from gonghui.review.models import Objection


def campaigns_for(actor: Actor) -> QuerySet[Campaign]:
    """Campaigns run in the actor's subtree, or above an org where they nominate."""
    return (
        Campaign.objects.filter(org_line_q(actor, Perm.APPRAISAL_MANAGE, Perm.CASE_OPEN))
        .select_related("org")
        .distinct()
    )


def campaign_get_for(actor: Actor, pk: int) -> Campaign:
    campaign = campaigns_for(actor).filter(pk=pk).first() if 0 < pk < 2**63 else None
    if campaign is None:
        raise Http404
    return campaign


def can_manage(actor: Actor, campaign: Campaign) -> bool:
    return actor_can(actor, Perm.APPRAISAL_MANAGE, campaign.org)


def public_campaign(pk: int) -> Campaign:
    """A campaign the public may see: once its candidates are announced (nominations
    closed)."""
    campaign = (
        Campaign.objects.select_related("org").filter(pk=pk).first() if 0 < pk < 2**63 else None
    )
    if campaign is None or timezone.now() < campaign.nominations_close:
        raise Http404
    return campaign


@dataclass(frozen=True)
class Shown:
    candidate: Candidate
    votes: int | None  # None: hidden


def shown_counts(campaign: Campaign) -> dict[int, int] | None:
    """The counts as the campaign shows them: live tallies, the counted votes up to last
    midnight, or nothing."""
    if campaign.count_display == CountDisplay.HIDDEN:
        return None
    if campaign.count_display == CountDisplay.LIVE:
        return voting.tallies(campaign)
    rows = (
        Vote.objects.filter(campaign=campaign, voided_at__isnull=True, day__lt=timezone.localdate())
        .values("candidate")
        .annotate(n=Count("pk"))
        .values_list("candidate", "n")
    )
    return dict(rows)


def standings(campaign: Campaign, *, ranked: bool) -> list[Shown]:
    counts = shown_counts(campaign)
    rows = [
        Shown(c, None if counts is None else counts.get(c.pk, 0))
        for c in campaign.candidates.filter(state=CandidateState.APPROVED)
        .select_related("person")
        .order_by("number")
    ]
    if ranked and counts is not None:
        rows.sort(key=lambda s: (-(s.votes or 0), s.candidate.number or 0))
    return rows


def candidate_public(campaign: Campaign, number: int) -> Candidate:
    candidate = (
        campaign.candidates.select_related("person")
        .filter(number=number, state__in=[CandidateState.APPROVED, CandidateState.DISQUALIFIED])
        .first()
        if 0 < number < 100000
        else None
    )
    if candidate is None:
        raise Http404
    return candidate


def result_notice(actor: Actor, campaign: Campaign) -> dict[str, Any]:
    """The result notice as the campaign's staff follow it: its state, the objections still
    to answer, and the sustained ones, which keep the results from being final (R6)."""
    notice = campaign.result_notice
    if notice is None:
        return {"notice": None}
    objections = list(
        Objection.objects.filter(notice=notice).select_related("entry").order_by("created_at", "pk")
    )
    sustained = [o for o in objections if o.sustained]
    return {
        "notice": notice,
        "notice_period_over": notice.ends_on < timezone.localdate(),
        "notice_unanswered": sum(1 for o in objections if o.answered_at is None),
        "notice_objections": len(objections),
        "notice_sustained": sustained,
        "notice_withdrawn": {
            int(o.entry.subject_id) for o in sustained if o.entry and o.entry.subject_id
        },
        "notice_answerer": actor_can(actor, Perm.CASE_REVIEW, notice.org),
    }
