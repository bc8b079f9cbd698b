"""Every move of a case along its chain (R5) with its trail (R7). A program declares its chain
in review.programs; these functions are the only ones that change a case's state."""

from __future__ import annotations

import uuid

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.core.models import Org, User
from gonghui.core.notify import notify
from gonghui.core.permissions import Perm
from gonghui.core.progress import progress_advance, progress_finish
from gonghui.core.scoping import actor_can, grants_for
from gonghui.core.services import audit_record
from gonghui.core.workdays import add_working_days
from gonghui.review.models import CaseState, Decision, ReviewCase, ReviewStep
from gonghui.review.programs import program_for


def chain_org(case: ReviewCase, index: int) -> Org:
    """The org that decides step `index` of the case's chain: the case org's ancestor (or the
    org itself) at that level."""
    level = case.chain[index]
    ids = [int(pk) for pk in case.org.path.strip("/").split("/")]
    org = Org.objects.filter(pk__in=ids, level=level).first()
    if org is None:
        raise ValidationError(
            _("No organisation at level %(level)d above %(org)s for this chain.")
            % {"level": level, "org": case.org.name}
        )
    return org


def _holds_at(actor: User, perm: Perm, org: Org) -> bool:
    """Holds `perm` AT this org, not through a level above (R5: no skipped level)."""
    return any(grant.org_id == org.pk for grant in grants_for(actor, perm))


def _not_own(actor: User, case: ReviewCase) -> None:
    if actor.pk in (case.opener_id, case.beneficiary_id):
        raise ValidationError(_("Nobody decides their own case."), code="own_case")


def record_step(case: ReviewCase, actor: User, org: Org, decision: str, reason: str = "") -> None:
    """The one writer of the trail (R7): a step, and its audit entry."""
    ReviewStep.objects.create(
        case=case, actor=actor, org=org, level=org.level, decision=decision, reason=reason
    )
    audit_record(
        actor=actor,
        action=f"review.{decision}",
        org=org,
        obj=case,
        reason=reason,
        after={"state": case.state, "level": case.level_index},
    )


def program_tell(case: ReviewCase, decision: str) -> None:
    """The program's own consequences of a decision, in the same transaction."""
    hook = program_for(case.program).on_decision
    if hook is not None:
        hook(case, decision)


def _locked(case: ReviewCase) -> ReviewCase:
    return ReviewCase.objects.select_for_update(of=("self",)).select_related("org").get(pk=case.pk)


@transaction.atomic
def case_open(
    *,
    actor: User,
    program: str,
    subject: models.Model,
    org: Org,
    title: str,
    beneficiary: User | None = None,
) -> ReviewCase:
    """A draft case for `subject` at the org where the chain starts."""
    spec = program_for(program)
    own = spec.self_open and beneficiary is not None and actor.pk == beneficiary.pk
    if not (own or actor_can(actor, Perm.CASE_OPEN, org)):
        raise PermissionDenied
    if org.level != spec.chain[0]:
        raise ValidationError(_("This program's cases start at another level of the tree."))
    content_type = ContentType.objects.get_for_model(subject)
    if ReviewCase.objects.filter(
        program=program, content_type=content_type, object_id=str(subject.pk)
    ).exists():
        raise ValidationError(_("A case for this exists already in this program."))
    case = ReviewCase.objects.create(
        program=program,
        content_type=content_type,
        object_id=str(subject.pk),
        title=title[:200],
        org=org,
        opener=actor,
        beneficiary=beneficiary,
        chain=list(spec.chain),
    )
    record_step(case, actor, org, Decision.OPEN)
    return case


@transaction.atomic
def case_submit(*, actor: User, case: ReviewCase) -> ReviewCase:
    """The opener's org sends the case to the next level up (R5)."""
    case = _locked(case)
    if not actor_can(actor, Perm.CASE_OPEN, case.org):
        raise PermissionDenied
    if case.state not in (CaseState.DRAFT, CaseState.SENT_BACK):
        raise ValidationError(_("Only a draft or a case sent back can be submitted."))
    if actor.pk == case.beneficiary_id:
        raise ValidationError(_("Nobody decides their own case."), code="own_case")
    _advance(case, 1)
    case.reason = ""
    case.save()
    program_tell(case, Decision.SUBMIT)
    record_step(case, actor, case.org, Decision.SUBMIT)
    return case


def _advance(case: ReviewCase, index: int) -> None:
    spec = program_for(case.program)
    case.level_index = index
    case.reviewing_org = chain_org(case, index)
    case.due = add_working_days(timezone.localdate(), spec.level_days).date
    case.state = CaseState.UNDER_REVIEW


@transaction.atomic
def case_approve(*, actor: User, case: ReviewCase, reason: str = "") -> ReviewCase:
    """The level the case waits at approves, with an optional comment kept on the trail; the
    top level's approval ends the climb (R5). A level above cannot approve for the one below."""
    case = _locked(case)
    if case.state != CaseState.UNDER_REVIEW or case.reviewing_org is None:
        raise ValidationError(_("This case is not waiting for a decision."))
    org = case.reviewing_org
    if not _holds_at(actor, Perm.CASE_REVIEW, org):
        raise PermissionDenied(_("Only %(org)s decides at this step.") % {"org": org.name})
    _not_own(actor, case)
    if case.level_index + 1 < len(case.chain):
        _advance(case, case.level_index + 1)
    else:
        notice = program_for(case.program).public_notice
        case.state = CaseState.APPROVED if notice else CaseState.CONFIRMED
        case.reviewing_org = None
        case.due = None
    case.save()
    program_tell(case, Decision.APPROVE)
    record_step(case, actor, org, Decision.APPROVE, reason.strip())
    if case.state in (CaseState.APPROVED, CaseState.CONFIRMED):
        notify(
            recipient=case.opener,
            subject=_("Approved: %(title)s") % {"title": case.title},
            url=f"/review/cases/{case.pk}/",
        )
    return case


def _deciding_org(actor: User, case: ReviewCase) -> Org:
    """Any level of the chain the case has reached may reject or send back (R5); a draft that
    its beneficiary opened is turned down by the org it was opened at."""
    if case.state == CaseState.DRAFT:
        if actor_can(actor, Perm.CASE_OPEN, case.org):
            return case.org
        raise PermissionDenied
    for index in range(case.level_index, 0, -1):
        org = chain_org(case, index)
        if _holds_at(actor, Perm.CASE_REVIEW, org):
            return org
    raise PermissionDenied


@transaction.atomic
def case_reject(*, actor: User, case: ReviewCase, reason: str) -> ReviewCase:
    """Ends the case; the reason is what the applicant sees (R5)."""
    return _turn_down(actor, case, reason, CaseState.REJECTED, Decision.REJECT)


@transaction.atomic
def case_send_back(*, actor: User, case: ReviewCase, reason: str) -> ReviewCase:
    """Returns the case to its opener to amend and submit again (R5)."""
    return _turn_down(actor, case, reason, CaseState.SENT_BACK, Decision.SEND_BACK)


def _turn_down(actor: User, case: ReviewCase, reason: str, state: str, decision: str) -> ReviewCase:
    case = _locked(case)
    if case.state not in (CaseState.UNDER_REVIEW, CaseState.DRAFT):
        raise ValidationError(_("This case is not waiting for a decision."))
    if not reason.strip():
        raise ValidationError(_("Give the reason; the applicant will see it."), code="reason")
    org = _deciding_org(actor, case)
    _not_own(actor, case)
    case.state = state
    case.reason = reason.strip()
    case.level_index = 0
    case.reviewing_org = None
    case.due = None
    case.save()
    program_tell(case, decision)
    record_step(case, actor, org, decision, case.reason)
    subject = (
        _("Sent back: %(title)s") if state == CaseState.SENT_BACK else _("Rejected: %(title)s")
    ) % {"title": case.title}
    for person in {case.opener, case.beneficiary} - {None}:
        notify(recipient=person, subject=subject, body=case.reason, url=f"/review/cases/{case.pk}/")
    return case


def bulk_decide(
    *, progress_id: uuid.UUID, actor_id: int, case_ids: list[int], decision: str, reason: str
) -> tuple[int, int]:
    """Many decisions in one go (the task runs this): each case through the same service, in
    its own transaction and with its own audit entry; those the actor may not decide are
    counted and left as they are."""
    actor = User.objects.get(pk=actor_id)
    done = skipped = 0
    for index, case in enumerate(ReviewCase.objects.filter(pk__in=case_ids).order_by("pk"), 1):
        try:
            if decision == "approve":
                case_approve(actor=actor, case=case)
            else:
                case_reject(actor=actor, case=case, reason=reason)
            done += 1
        except (PermissionDenied, ValidationError):
            skipped += 1
        if index % 20 == 0:
            progress_advance(progress_id=progress_id, done=index)
    progress_finish(
        progress_id=progress_id,
        message=_(
            "%(done)d cases decided; %(skipped)d left as they were (not at your level "
            "or not waiting)."
        )
        % {"done": done, "skipped": skipped},
        result_url="/review/",
    )
    return done, skipped
