"""Reads of review cases, scoped to the actor."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from gonghui.core.permissions import Perm
from gonghui.core.scoping import Actor, grants_for, org_scope_q
from gonghui.review.models import CaseState, Notice, NoticeState, ReviewCase, ReviewStep


def cases_waiting_for(*, actor: Actor) -> QuerySet[ReviewCase]:
    """Cases waiting for a decision at an org where the actor holds case.review itself."""
    orgs = [grant.org_id for grant in grants_for(actor, Perm.CASE_REVIEW)]
    return (
        ReviewCase.objects.filter(state=CaseState.UNDER_REVIEW, reviewing_org_id__in=orgs)
        .select_related("org", "reviewing_org")
        .order_by("due", "pk")
    )


def cases_overdue_below(*, actor: Actor) -> QuerySet[ReviewCase]:
    """Cases past their deadline at a level below the actor's: shown to the level above."""
    own = [grant.org_id for grant in grants_for(actor, Perm.CASE_REVIEW)]
    return (
        ReviewCase.objects.filter(
            org_scope_q(actor, Perm.CASE_REVIEW, field="reviewing_org"),
            state=CaseState.UNDER_REVIEW,
            due__lt=timezone.localdate(),
        )
        .exclude(reviewing_org_id__in=own)
        .select_related("org", "reviewing_org")
        .order_by("due")
    )


def case_trail(*, case: ReviewCase) -> QuerySet[ReviewStep]:
    return case.steps.select_related("actor", "org").order_by("at", "pk")


def notices_open_for(*, actor: Actor) -> QuerySet[Notice]:
    """Open notices published by an org in the actor's case.review scope, with the number of
    objections still to answer (R6: each is answered before the notice can confirm)."""
    return (
        Notice.objects.filter(org_scope_q(actor, Perm.CASE_REVIEW), state=NoticeState.OPEN)
        .annotate(unanswered=Count("objections", filter=Q(objections__answered_at__isnull=True)))
        .select_related("org")
        .order_by("ends_on")
    )


def drafts_for(*, actor: Actor) -> QuerySet[ReviewCase]:
    """Cases opened at the actor's union, or at the unions just below the actor's federation,
    that wait for the union's check (a worker applied); a city does not see every draft."""
    near = Q(pk__in=[])
    for grant in grants_for(actor, Perm.CASE_OPEN):  # the union itself, or the level just above
        near |= Q(org__path__startswith=grant.org.path, org__level__lte=grant.org.level + 1)
    return (
        ReviewCase.objects.filter(near, state__in=(CaseState.DRAFT, CaseState.SENT_BACK))
        .select_related("org")
        .order_by("created_at")
    )
