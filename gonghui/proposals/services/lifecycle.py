"""A proposal's life (R13): submitted by a worker (the preliminary review is its `review` case),
judged by a panel (proposals.services.panel), decided, implemented, assessed, rewarded,
archived. Each function is one state change: atomic, checked, audited, and on the trail."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.core.models import Org, User
from gonghui.core.money import format_yuan, yuan
from gonghui.core.permissions import Perm
from gonghui.core.scoping import actor_can
from gonghui.core.services import audit_record
from gonghui.core.uploads import upload_check
from gonghui.orgs.models import CURRENT_STATES, Membership, Person
from gonghui.proposals.defaults import DEFAULT_TIERS
from gonghui.proposals.models import (
    ADOPTED,
    NEEDS_REASON,
    Assessment,
    Attachment,
    BenefitKind,
    Outcome,
    Proposal,
    Proposer,
    Reward,
    RewardTier,
    Stage,
    Step,
)
from gonghui.review import services as review
from gonghui.review.models import CaseState, Decision, ReviewCase

PROGRAM = "proposals.preliminary"
MAX_PROPOSERS = 10
MAX_ATTACHMENTS = 5


@dataclass(frozen=True)
class ProposalData:
    title: str
    problem: str
    suggestion: str
    expected_benefit: str
    field: str


def _step(proposal: Proposal, actor: User, action: str, note: str = "") -> None:
    Step.objects.create(
        proposal=proposal, actor=actor, action=action, stage=proposal.stage, note=note
    )


def _locked(proposal: Proposal) -> Proposal:
    return (
        Proposal.objects.select_for_update(of=("self",))
        .select_related("org", "round__org")
        .get(pk=proposal.pk)
    )


def _manage(actor: User, proposal: Proposal) -> None:
    if not actor_can(actor, Perm.PROPOSAL_MANAGE, proposal.org):
        raise PermissionDenied


def _at(proposal: Proposal, *stages: str) -> None:
    if proposal.stage not in stages:
        raise ValidationError(
            _("Not possible at this stage (%(stage)s).") % {"stage": proposal.get_stage_display()},
            code="stage",
        )


def current_union(person: Person) -> Org | None:
    """The union where the person is a member now, if any."""
    membership = (
        Membership.objects.filter(person=person, state__in=CURRENT_STATES)
        .select_related("org")
        .first()
    )
    return membership.org if membership else None


def attachments_check(files: Sequence[UploadedFile]) -> None:
    """Every file checked before anything is written; the message names the file."""
    if len(files) > MAX_ATTACHMENTS:
        raise ValidationError(
            _("At most %(n)d attachments.") % {"n": MAX_ATTACHMENTS}, code="attachments"
        )
    for upload in files:
        upload_check(upload)


@transaction.atomic
def proposal_submit(
    *,
    actor: User,
    data: ProposalData,
    lead: Person,
    co_proposers: Sequence[Person] = (),
    attachments: Sequence[UploadedFile] = (),
) -> Proposal:
    """A proposal filed at the lead proposer's union, by the lead themself (a worker) or by
    the union's staff on their behalf; joint proposers are members of the same union (R13).
    Its preliminary review opens at once as a `review` case that the union forwards."""
    org = current_union(lead)
    if org is None:
        raise ValidationError(
            _("%(name)s is not a current union member; a proposal is filed at one's union.")
            % {"name": lead.name},
            code="not_member",
        )
    own = lead.user_id == actor.pk
    if not (own and actor_can(actor, Perm.PROPOSAL_SUBMIT)) and not actor_can(
        actor, Perm.CASE_OPEN, org
    ):
        raise PermissionDenied
    if not data.title.strip() or not data.problem.strip() or not data.suggestion.strip():
        raise ValidationError(
            _("A proposal needs a title, the problem and the suggestion."), code="required"
        )
    others = [p for p in dict.fromkeys(co_proposers) if p.pk != lead.pk]
    if len(others) + 1 > MAX_PROPOSERS:
        raise ValidationError(
            _("At most %(n)d proposers.") % {"n": MAX_PROPOSERS}, code="proposers"
        )
    for person in others:
        if current_union(person) != org:
            raise ValidationError(
                _("%(name)s is not a member of %(org)s; joint proposers are of the same union.")
                % {"name": person.name, "org": org.name},
                code="proposer_union",
            )
    attachments_check(attachments)
    proposal = Proposal.objects.create(
        org=org,
        year=timezone.localdate().year,
        title=data.title.strip()[:200],
        problem=data.problem.strip(),
        suggestion=data.suggestion.strip(),
        expected_benefit=data.expected_benefit.strip(),
        field=data.field,
        submitted_by=actor,
    )
    Proposer.objects.bulk_create(
        [Proposer(proposal=proposal, person=lead, lead=True)]
        + [Proposer(proposal=proposal, person=p) for p in others]
    )
    for upload in attachments:
        Attachment.objects.create(
            proposal=proposal,
            file=upload,
            name=(upload.name or "")[:200],
            uploaded_by=actor,
        )
    review.case_open(
        actor=actor,
        program=PROGRAM,
        subject=proposal,
        org=org,
        title=proposal.title,
        beneficiary=actor if own else None,
    )
    _step(proposal, actor, "submit")
    audit_record(
        actor=actor,
        action="proposals.submit",
        org=org,
        obj=proposal,
        after={"proposers": len(others) + 1, "attachments": len(attachments)},
    )
    return proposal


def case_of(proposal: Proposal) -> ReviewCase | None:
    from django.contrib.contenttypes.models import ContentType

    return ReviewCase.objects.filter(
        program=PROGRAM,
        content_type=ContentType.objects.get_for_model(Proposal),
        object_id=str(proposal.pk),
    ).first()


@transaction.atomic
def proposal_forward(*, actor: User, proposal: Proposal) -> ReviewCase:
    """The union checks the proposal and sends it up for preliminary review (review R5)."""
    case = case_of(proposal)
    if case is None:
        raise ValidationError(_("This proposal has no review case."), code="no_case")
    return review.case_submit(actor=actor, case=case)


def on_decision(case: ReviewCase, decision: str) -> None:
    """The preliminary review's consequences, in the decision's transaction: a final approval
    sends the proposal to the panel; a rejection decides it (not adopted, with the reason the
    proposer sees). The review case keeps the trail of who decided."""
    proposal = Proposal.objects.select_for_update().get(pk=int(case.object_id))
    if decision == Decision.APPROVE and case.state == CaseState.CONFIRMED:
        proposal.stage = Stage.PANEL
        proposal.save(update_fields=["stage"])
    elif decision == Decision.REJECT:
        proposal.stage = Stage.DECIDED
        proposal.outcome = Outcome.REJECT
        proposal.outcome_reason = case.reason
        proposal.decided_at = timezone.now()
        proposal.save(update_fields=["stage", "outcome", "outcome_reason", "decided_at"])


def case_label(case: ReviewCase) -> str:
    return str(case.title)


def panel_result(proposal: Proposal) -> object | None:
    """The proposal's locked panel result, if the panel has ranked it."""
    from django.contrib.contenttypes.models import ContentType

    from gonghui.scoring.models import PanelState, Result

    return (
        Result.objects.filter(
            entry__content_type=ContentType.objects.get_for_model(Proposal),
            entry__object_id=str(proposal.pk),
            panel__state__in=[PanelState.LOCKED, PanelState.PUBLISHED],
        )
        .select_related("panel")
        .first()
    )


@transaction.atomic
def proposal_decide(*, actor: User, proposal: Proposal, outcome: str, reason: str = "") -> Proposal:
    """After the panel has ranked it: adopt, adopt for trial, shelve or reject (R13); shelving
    and rejecting need the reason the proposers will read. The federation that held the
    panel decides, not the proposal's own union."""
    proposal = _locked(proposal)
    _manage(actor, proposal)
    _at(proposal, Stage.PANEL)
    if proposal.round is not None and not actor_can(
        actor, Perm.PROPOSAL_MANAGE, proposal.round.org
    ):
        raise PermissionDenied
    if outcome not in Outcome.values:
        raise ValidationError(_("Choose a decision."), code="outcome")
    if outcome in NEEDS_REASON and not reason.strip():
        raise ValidationError(
            _("R13: shelving or rejecting a proposal needs a reason the proposers will read."),
            code="reason",
        )
    if panel_result(proposal) is None:
        raise ValidationError(
            _(
                "R13: the panel has not ranked this proposal yet; decide after its "
                "results are locked."
            ),
            code="no_panel_result",
        )
    proposal.stage = Stage.DECIDED
    proposal.outcome = outcome
    proposal.outcome_reason = reason.strip()
    proposal.decided_by = actor
    proposal.decided_at = timezone.now()
    proposal.save()
    _step(proposal, actor, "decide", proposal.outcome_reason)
    audit_record(
        actor=actor,
        action="proposals.decide",
        org=proposal.org,
        obj=proposal,
        after={"outcome": outcome},
        reason=proposal.outcome_reason,
    )
    return proposal


@transaction.atomic
def proposal_implement(
    *,
    actor: User,
    proposal: Proposal,
    implementing_org: Org,
    plan: str,
    owner: str,
    due: dt.date,
) -> Proposal:
    """An adopted proposal gets its implementing unit and a plan with an owner and a due date."""
    proposal = _locked(proposal)
    _manage(actor, proposal)
    _at(proposal, Stage.DECIDED)
    if proposal.outcome not in ADOPTED:
        raise ValidationError(_("Only an adopted proposal is implemented."), code="not_adopted")
    if not actor_can(actor, Perm.PROPOSAL_MANAGE, implementing_org):
        raise ValidationError(
            _("The implementing unit must be within your organisation."), code="implementing_org"
        )
    if not plan.strip() or not owner.strip():
        raise ValidationError(
            _("The plan needs its content and the person responsible."), code="plan"
        )
    if due < timezone.localdate():
        raise ValidationError(_("The due date cannot be in the past."), code="due")
    proposal.stage = Stage.IMPLEMENTING
    proposal.implementing_org = implementing_org
    proposal.plan = plan.strip()
    proposal.plan_owner = owner.strip()[:60]
    proposal.plan_due = due
    proposal.save()
    _step(proposal, actor, "implement", implementing_org.name)
    audit_record(
        actor=actor,
        action="proposals.implement",
        org=proposal.org,
        obj=proposal,
        after={"implementing_org": implementing_org.pk, "due": due, "owner": proposal.plan_owner},
    )
    return proposal


def _amount(value: Decimal | str) -> Decimal:
    try:
        amount = yuan(value)
    except (ValueError, TypeError, InvalidOperation) as exc:
        raise ValidationError(_("Enter the amount in yuan."), code="amount") from exc
    if amount < 0:
        raise ValidationError(_("The amount cannot be negative."), code="amount")
    return amount


@transaction.atomic
def proposal_assess(
    *,
    actor: User,
    proposal: Proposal,
    kind: str,
    amount: Decimal | str,
    evidence: UploadedFile | None,
    note: str = "",
) -> Assessment:
    """Acceptance and benefit assessment (R13): cost saved or value created, in yuan, with the
    evidence; what a reward rests on."""
    proposal = _locked(proposal)
    _manage(actor, proposal)
    _at(proposal, Stage.IMPLEMENTING)
    if kind not in BenefitKind.values:
        raise ValidationError(_("Choose the kind of benefit."), code="kind")
    value = _amount(amount)
    if evidence is None:
        raise ValidationError(_("Attach the evidence of the benefit."), code="evidence")
    upload_check(evidence)
    assessment = Assessment.objects.create(
        proposal=proposal,
        kind=kind,
        amount=value,
        note=note.strip(),
        evidence=evidence,
        assessed_by=actor,
    )
    proposal.stage = Stage.ACCEPTED
    proposal.save(update_fields=["stage"])
    _step(proposal, actor, "assess", format_yuan(value))
    audit_record(
        actor=actor,
        action="proposals.assess",
        org=proposal.org,
        obj=proposal,
        after={"kind": kind, "amount": value},
    )
    return assessment


def tiers_for(org: Org, year: int) -> list[tuple[int, Decimal, Decimal]]:
    """The reward table that applies at `org` in `year`: the nearest federation's own, else
    the default placeholder (proposals.defaults)."""
    ids = [int(pk) for pk in org.path.strip("/").split("/")]
    rows = list(
        RewardTier.objects.filter(org_id__in=ids, year=year)
        .select_related("org")
        .order_by("-org__level", "-min_value")
    )
    if not rows:
        return list(DEFAULT_TIERS)
    nearest = rows[0].org_id
    return [(t.tier, t.min_value, t.amount) for t in rows if t.org_id == nearest]


def tier_for(org: Org, year: int, value: Decimal) -> tuple[int, Decimal]:
    for tier, minimum, amount in tiers_for(org, year):
        if value >= minimum:
            return tier, amount
    raise ValidationError(
        _("No reward tier covers an assessed value of %(value)s.") % {"value": value},
        code="no_tier",
    )


@transaction.atomic
def proposal_reward(*, actor: User, proposal: Proposal) -> Reward:
    """R13: a reward only on a recorded benefit assessment; its tier and amount come from the
    year's reward table by the assessed value."""
    proposal = _locked(proposal)
    _manage(actor, proposal)
    assessment = Assessment.objects.filter(proposal=proposal).first()
    if assessment is None:
        raise ValidationError(
            _("R13: a reward needs a recorded benefit assessment; assess the proposal first."),
            code="no_assessment",
        )
    _at(proposal, Stage.ACCEPTED)
    tier, amount = tier_for(proposal.org, proposal.year, assessment.amount)
    reward = Reward.objects.create(
        proposal=proposal, assessment=assessment, tier=tier, amount=amount, awarded_by=actor
    )
    proposal.stage = Stage.REWARDED
    proposal.save(update_fields=["stage"])
    _step(proposal, actor, "reward", format_yuan(amount))
    audit_record(
        actor=actor,
        action="proposals.reward",
        org=proposal.org,
        obj=proposal,
        after={"tier": tier, "amount": amount, "assessed": assessment.amount},
    )
    return reward


@transaction.atomic
def reward_cancel(*, actor: User, proposal: Proposal, reason: str) -> Reward:
    """R13: a proven fraud cancels the reward; the finding is the reason, kept and audited."""
    proposal = _locked(proposal)
    _manage(actor, proposal)
    reward = Reward.objects.select_for_update().filter(proposal=proposal).first()
    if reward is None or reward.cancelled_at is not None:
        raise ValidationError(_("There is no reward to cancel."), code="no_reward")
    if not reason.strip():
        raise ValidationError(
            _("R13: cancelling a reward needs the fraud finding as its reason."), code="reason"
        )
    reward.cancelled_at = timezone.now()
    reward.cancelled_by = actor
    reward.cancel_reason = reason.strip()
    reward.save()
    _step(proposal, actor, "reward_cancel", reward.cancel_reason)
    audit_record(
        actor=actor,
        action="proposals.reward_cancel",
        org=proposal.org,
        obj=proposal,
        before={"amount": reward.amount},
        reason=reward.cancel_reason,
    )
    return reward


ARCHIVABLE = (Stage.DECIDED, Stage.ACCEPTED, Stage.REWARDED)


@transaction.atomic
def proposal_archive(*, actor: User, proposal: Proposal) -> Proposal:
    """Closes the file: a proposal not adopted, or one accepted (rewarded or not)."""
    proposal = _locked(proposal)
    _manage(actor, proposal)
    _at(proposal, *ARCHIVABLE)
    if proposal.stage == Stage.DECIDED and proposal.outcome in ADOPTED:
        raise ValidationError(
            _("An adopted proposal is archived once it is implemented and assessed."),
            code="adopted",
        )
    proposal.stage = Stage.ARCHIVED
    proposal.save(update_fields=["stage"])
    _step(proposal, actor, "archive")
    audit_record(actor=actor, action="proposals.archive", org=proposal.org, obj=proposal)
    return proposal


@transaction.atomic
def reward_tiers_set(
    *, actor: User, org: Org, year: int, tiers: Sequence[tuple[Decimal, Decimal]]
) -> list[RewardTier]:
    """A federation's reward table for a year, replacing its previous one: (assessed value
    from, reward) pairs; one must start at zero so that every assessed value has a tier."""
    if not actor_can(actor, Perm.PROPOSAL_MANAGE, org) or org.level > 3:
        raise PermissionDenied
    rows = sorted(((_amount(m), _amount(a)) for m, a in tiers), reverse=True)
    if not rows or rows[-1][0] != 0:
        raise ValidationError(
            _("The lowest tier must start at 0 yuan, so that every assessed value has a tier."),
            code="tiers",
        )
    if len({m for m, _a in rows}) != len(rows) or any(a <= 0 for _m, a in rows):
        raise ValidationError(
            _("Each tier needs its own threshold and a reward above zero."), code="tiers"
        )
    RewardTier.objects.filter(org=org, year=year).delete()
    created = RewardTier.objects.bulk_create(
        [
            RewardTier(org=org, year=year, tier=n, min_value=m, amount=a)
            for n, (m, a) in enumerate(rows, start=1)
        ]
    )
    audit_record(
        actor=actor,
        action="proposals.reward_tiers_set",
        org=org,
        after={"year": year, "tiers": [[m, a] for m, a in rows]},
    )
    return created
