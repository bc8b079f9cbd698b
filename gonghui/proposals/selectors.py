"""Every read of proposals, scoped to the actor: staff see their subtree, a worker their own
proposals; anything else is a 404. `proposal_figures` is shared with the innovation figures."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum
from django.http import Http404

from gonghui.core.models import Org
from gonghui.core.permissions import Perm
from gonghui.core.scoping import Actor, actor_can, org_scope_q, orgs_for
from gonghui.orgs.models import CURRENT_STATES
from gonghui.orgs.selectors import member_total
from gonghui.proposals.models import (
    ADOPTED,
    Assessment,
    BenefitKind,
    Proposal,
    ProposalRound,
    Proposer,
    RecommendationBatch,
    Stage,
)

MAX_PK = 2**62


def _visible(actor: Actor) -> Q:
    """Proposals in the actor's proposal.manage scope, or case scope (the union that forwards
    them, the district that reviews them), or the actor's own."""
    scope = (
        org_scope_q(actor, Perm.PROPOSAL_MANAGE)
        | org_scope_q(actor, Perm.CASE_OPEN)
        | org_scope_q(actor, Perm.CASE_REVIEW)
    )
    if actor.is_authenticated:
        scope |= Q(submitted_by_id=actor.pk) | Q(proposers__person__user_id=actor.pk)
    return scope


def proposals_for(
    *, actor: Actor, stage: str = "", year: int | None = None, q: str = ""
) -> QuerySet[Proposal]:
    """The staff list: proposals of the actor's proposal.manage subtree, newest first."""
    rows = Proposal.objects.filter(org_scope_q(actor, Perm.PROPOSAL_MANAGE))
    if stage:
        rows = rows.filter(stage=stage)
    if year:
        rows = rows.filter(year=year)
    if q:
        rows = rows.filter(title__icontains=q)
    return rows.select_related("org").prefetch_related("proposers__person").order_by("-pk")


def proposals_mine(*, actor: Actor) -> QuerySet[Proposal]:
    if not actor.is_authenticated:
        return Proposal.objects.none()
    return (
        Proposal.objects.filter(
            Q(submitted_by_id=actor.pk) | Q(proposers__person__user_id=actor.pk)
        )
        .distinct()
        .select_related("org", "reward")
        .prefetch_related("proposers__person")
        .order_by("-pk")
    )


def get_proposal_for(actor: Actor, pk: int) -> Proposal:
    """Missing and forbidden both 404."""
    if not actor.is_authenticated or not 0 < pk < MAX_PK:
        raise Http404
    proposal = (
        Proposal.objects.filter(_visible(actor), pk=pk)
        .select_related("org", "round__org", "implementing_org", "submitted_by", "decided_by")
        .first()
    )
    if proposal is None:
        raise Http404
    return proposal


def proposals_waiting_panel(*, actor: Actor, org: Org) -> QuerySet[Proposal]:
    """Proposals past their preliminary review, under `org`, not yet before a panel."""
    return (
        Proposal.objects.filter(
            org_scope_q(actor, Perm.PROPOSAL_MANAGE),
            org__path__startswith=org.path,
            stage=Stage.PANEL,
            round__isnull=True,
        )
        .select_related("org")
        .order_by("pk")
    )


def rounds_for(*, actor: Actor) -> QuerySet[ProposalRound]:
    return (
        ProposalRound.objects.filter(org_scope_q(actor, Perm.PROPOSAL_MANAGE))
        .select_related("org")
        .annotate(n=Count("proposals"))
        .order_by("-year", "-pk")
    )


def get_round_for(actor: Actor, pk: int) -> ProposalRound:
    found = (
        ProposalRound.objects.filter(org_scope_q(actor, Perm.PROPOSAL_MANAGE), pk=pk)
        .select_related("org")
        .first()
        if 0 < pk < MAX_PK
        else None
    )
    if found is None:
        raise Http404
    return found


def batches_for(*, actor: Actor) -> QuerySet[RecommendationBatch]:
    return (
        RecommendationBatch.objects.filter(org_scope_q(actor, Perm.PROPOSAL_MANAGE))
        .select_related("org")
        .annotate(n=Count("items"))
        .order_by("-year", "-pk")
    )


def get_batch_for(actor: Actor, pk: int) -> RecommendationBatch:
    found = (
        RecommendationBatch.objects.filter(org_scope_q(actor, Perm.PROPOSAL_MANAGE), pk=pk)
        .select_related("org")
        .first()
        if 0 < pk < MAX_PK
        else None
    )
    if found is None:
        raise Http404
    return found


def batch_candidates(*, actor: Actor, batch: RecommendationBatch) -> QuerySet[Proposal]:
    """Adopted proposals of the batch's subtree that no batch holds yet."""
    return (
        Proposal.objects.filter(
            org_scope_q(actor, Perm.PROPOSAL_MANAGE),
            org__path__startswith=batch.org.path,
            outcome__in=list(ADOPTED),
            batch_item__isnull=True,
        )
        .select_related("org")
        .order_by("-pk")
    )


def manage_orgs(actor: Actor, *, max_level: int = 3) -> QuerySet[Org]:
    """The federations where the actor runs proposals: where rounds and batches are held."""
    return orgs_for(actor, Perm.PROPOSAL_MANAGE).filter(level__lte=max_level).order_by("path")


@dataclass(frozen=True)
class ProposalFigures:
    org: Org
    year: int
    submitted: int
    members: int
    proposers: int
    adopted: int
    decided: int
    saving: Decimal
    value_created: Decimal
    by_stage: dict[str, int] = field(default_factory=dict)

    @property
    def per_hundred_members(self) -> Decimal | None:
        """Proposals per 100 members."""
        if not self.members:
            return None
        return (Decimal(self.submitted) * 100 / self.members).quantize(Decimal("0.01"))

    @property
    def participation_rate(self) -> Decimal | None:
        """Distinct proposers ÷ members, in percent."""
        if not self.members:
            return None
        return (Decimal(self.proposers) * 100 / self.members).quantize(Decimal("0.01"))

    @property
    def adoption_rate(self) -> Decimal | None:
        """Adopted (or trialled) ÷ decided, in percent."""
        if not self.decided:
            return None
        return (Decimal(self.adopted) * 100 / self.decided).quantize(Decimal("0.1"))

    @property
    def benefit_total(self) -> Decimal:
        return self.saving + self.value_created


def proposal_figures(actor: Actor, org: Org, year: int) -> ProposalFigures:
    """The figures of `org`'s subtree for a year: proposals submitted, per 100 members,
    participation (distinct proposers ÷ current members), adoption rate, by stage, and the
    assessed benefit (saved and created). A constant handful of queries; 404 out of scope."""
    if not actor_can(actor, Perm.PROPOSAL_MANAGE, org):
        raise Http404
    subtree = Q(org__path__startswith=org.path, year=year)
    rows = Proposal.objects.filter(subtree)
    by_stage = dict(rows.values_list("stage").annotate(n=Count("pk")).order_by())
    outcomes = dict(
        rows.exclude(outcome="").values_list("outcome").annotate(n=Count("pk")).order_by()
    )
    proposers = (
        Proposer.objects.filter(proposal__org__path__startswith=org.path, proposal__year=year)
        .values("person_id")
        .distinct()
        .count()
    )
    benefit = dict(
        Assessment.objects.filter(proposal__org__path__startswith=org.path, proposal__year=year)
        .values_list("kind")
        .annotate(total=Sum("amount"))
        .order_by()
    )
    return ProposalFigures(
        org=org,
        year=year,
        submitted=sum(by_stage.values()),
        members=member_total(scope=Q(org__path__startswith=org.path), states=CURRENT_STATES),
        proposers=proposers,
        adopted=sum(outcomes.get(o, 0) for o in ADOPTED),
        decided=sum(outcomes.values()),
        saving=benefit.get(BenefitKind.SAVING, Decimal(0)) or Decimal(0),
        value_created=benefit.get(BenefitKind.VALUE, Decimal(0)) or Decimal(0),
        by_stage={s.value: by_stage.get(s.value, 0) for s in Stage},
    )
