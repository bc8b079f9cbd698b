"""Appeals (R19): an entrant or their union appeals until 2 hours after the contest ends; the
contest's arbitration panel (the scoring panel's arbiters) answers each, and the answer is
final. Results are published only when no appeal waits for its answer."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.competitions.models import Appeal, Contest, ContestState, Registration
from gonghui.competitions.services import contest_panel
from gonghui.core.models import User
from gonghui.core.permissions import Perm
from gonghui.core.scoping import actor_can
from gonghui.core.services import audit_record
from gonghui.scoring import services as scoring
from gonghui.scoring.models import JudgeRole, Panel

APPEAL_WINDOW = dt.timedelta(hours=2)  # R19: after the contest ends


def _may_appeal(actor: User, registration: Registration) -> bool:
    """An entrant of the registration, or their union."""
    own = registration.contestants.filter(person__user_id=actor.pk).exists()
    return own or actor_can(actor, Perm.CASE_OPEN, registration.union)


@transaction.atomic
def appeal_file(
    *, actor: User, contest: Contest, registration: Registration, reason: str
) -> Appeal:
    """Accepted from the contest's start until 2 hours after its end, with a reason."""
    if registration.contest_id != contest.pk:
        raise ValidationError(_("That entry is not in this contest."))
    if not _may_appeal(actor, registration):
        raise PermissionDenied
    now = timezone.now()
    if now > contest.ends_at + APPEAL_WINDOW:
        raise ValidationError(
            _("R19: appeals were accepted until %(until)s, 2 hours after the contest ended.")
            % {
                "until": timezone.localtime(contest.ends_at + APPEAL_WINDOW).strftime(
                    "%Y-%m-%d %H:%M"
                )
            },
            code="appeal_closed",
        )
    if now < contest.starts_at:
        raise ValidationError(_("Appeals open when the contest begins."), code="not_started")
    if not reason.strip():
        raise ValidationError(_("Give the grounds of the appeal."), code="reason")
    try:
        with transaction.atomic():
            appeal = Appeal.objects.create(
                contest=contest, registration=registration, reason=reason.strip(), filed_by=actor
            )
    except IntegrityError as exc:
        raise ValidationError(
            _("This entry has appealed already."), code="already_appealed"
        ) from exc
    audit_record(
        actor=actor,
        action="competitions.appeal_file",
        org=contest.org,
        obj=appeal,
        after={"registration": registration.pk},
    )
    return appeal


def is_arbiter(actor: User, panel: Panel | None) -> bool:
    return (
        panel is not None and panel.judges.filter(user_id=actor.pk, role=JudgeRole.ARBITER).exists()
    )


@transaction.atomic
def appeal_answer(*, actor: User, appeal: Appeal, answer: str, upheld: bool) -> Appeal:
    """The arbitration panel's answer, recorded once: it is final (R19)."""
    appeal = (
        Appeal.objects.select_for_update(of=("self",))
        .select_related("contest", "contest__org")
        .get(pk=appeal.pk)
    )
    if not is_arbiter(actor, contest_panel(appeal.contest)):
        raise PermissionDenied
    if appeal.answered_at is not None:
        raise ValidationError(
            _("R19: the arbitration's answer is final; this appeal is answered."),
            code="final",
        )
    if not answer.strip():
        raise ValidationError(_("Write the answer; the entrant receives it."), code="answer")
    appeal.answer = answer.strip()
    appeal.upheld = upheld
    appeal.answered_by = actor
    appeal.answered_at = timezone.now()
    appeal.save()
    audit_record(
        actor=actor,
        action="competitions.appeal_answer",
        org=appeal.contest.org,
        obj=appeal,
        after={"upheld": upheld},
        reason=appeal.answer,
    )
    return appeal


@transaction.atomic
def contest_results_publish(*, actor: User, contest: Contest) -> Panel:
    """Publishes the contest's locked results, all at once (R19), once the appeal window has
    closed and every appeal is answered; the contest is then finished."""
    if not actor_can(actor, Perm.CONTEST_MANAGE, contest.org):
        raise PermissionDenied
    panel = contest_panel(contest)
    if panel is None:
        raise ValidationError(_("The contest has no judging panel yet."), code="no_panel")
    if timezone.now() <= contest.ends_at + APPEAL_WINDOW:
        raise ValidationError(
            _("R19: results are published after the 2-hour appeal window."),
            code="appeal_window",
        )
    if contest.appeals.filter(answered_at__isnull=True).exists():
        raise ValidationError(
            _("R19: an appeal waits for the arbitration's answer."), code="appeal_open"
        )
    published = scoring.results_publish(actor=actor, panel=panel)
    Contest.objects.filter(pk=contest.pk).update(state=ContestState.FINISHED)
    contest.state = ContestState.FINISHED
    return published
