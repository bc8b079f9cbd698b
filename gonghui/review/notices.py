"""Public notice (公示) and objections (R6): publish approved cases, or another program's
subjects (an appraisal's ranking), for at least the program's working days, take objections
from anyone, answer each, and confirm the entries when the period is over and every
objection is answered. The closing is a task scheduled at publication."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.core.models import Org, User
from gonghui.core.notify import notify
from gonghui.core.permissions import Perm
from gonghui.core.ratelimit import address_hash
from gonghui.core.scoping import actor_can
from gonghui.core.services import audit_record
from gonghui.core.uploads import upload_check
from gonghui.core.workdays import add_working_days
from gonghui.review.models import (
    CaseState,
    Decision,
    Notice,
    NoticeEntry,
    NoticeState,
    Objection,
    ReviewCase,
)
from gonghui.review.programs import program_for
from gonghui.review.services import program_tell, record_step


@transaction.atomic
def notice_publish(
    *,
    actor: User,
    program: str,
    org: Org,
    title: str,
    cases: Iterable[tuple[ReviewCase, str]] = (),
    subjects: Iterable[tuple[models.Model, str]] = (),
    starts_on: dt.date | None = None,
) -> Notice:
    """Puts approved cases, or a program's other subjects, under public notice for the
    program's working days (R6). Each comes with its public label, masked by the program
    (张*丰 · 东湖区 · 本科), never an ID. A subject is whatever the program decided without a
    case (an appraisal result); the program checked it, and is told through on_notice_entry
    when it is withdrawn or confirmed."""
    spec = program_for(program)
    if not actor_can(actor, Perm.CASE_REVIEW, org):
        raise PermissionDenied
    start = starts_on or timezone.localdate()
    end = add_working_days(start, spec.notice_days)
    notice = Notice.objects.create(
        program=program,
        org=org,
        title=title[:200],
        starts_on=start,
        ends_on=end.date,
        calendar_estimated=end.estimated,
        published_by=actor,
    )
    for case, label in cases:
        locked = (
            ReviewCase.objects.select_for_update(of=("self",)).select_related("org").get(pk=case.pk)
        )
        if locked.program != program or locked.state != CaseState.APPROVED:
            raise ValidationError(_("Only approved cases of this program go under notice."))
        if not locked.org.path.startswith(org.path):
            raise PermissionDenied
        locked.state = CaseState.UNDER_NOTICE
        locked.save(update_fields=["state"])
        program_tell(locked, Decision.NOTICE)
        NoticeEntry.objects.create(notice=notice, case=locked, public_label=label[:200])
        record_step(locked, actor, org, Decision.NOTICE)
    subject_entries = []
    for subject, label in subjects:
        if subject.pk is None:
            raise ValueError(f"{subject!r} goes on a notice once it is saved")
        subject_entries.append(
            NoticeEntry(
                notice=notice,
                subject_type=ContentType.objects.get_for_model(subject),
                subject_id=str(subject.pk),
                public_label=label[:200],
            )
        )
    NoticeEntry.objects.bulk_create(subject_entries)
    audit_record(
        actor=actor,
        action="review.notice_publish",
        org=org,
        obj=notice,
        after={
            "until": notice.ends_on,
            "cases": notice.entries.filter(case__isnull=False).count(),
            "subjects": len(subject_entries),
        },
    )
    from gonghui.review.tasks import notice_close_task

    closes_at = timezone.make_aware(
        dt.datetime.combine(notice.ends_on + dt.timedelta(days=1), dt.time(0, 5))
    )
    if notice_close_task.get_backend().supports_defer:  # the database backend; not tests'
        transaction.on_commit(
            lambda: notice_close_task.using(run_after=closes_at).enqueue(notice.pk)
        )
    return notice


@transaction.atomic
def objection_file(
    *,
    notice: Notice,
    reason: str,
    entry: NoticeEntry | None = None,
    contact: str = "",
    attachment: UploadedFile | None = None,
    address: str = "",
) -> Objection:
    """Anyone may object while the notice is open; the reason is required (R6)."""
    if notice.state != NoticeState.OPEN or timezone.localdate() > notice.ends_on:
        raise ValidationError(_("This public notice has ended."))
    if not reason.strip():
        raise ValidationError(_("Give the reason for the objection."), code="reason")
    if entry is not None and entry.notice_id != notice.pk:
        raise ValidationError(_("That entry is not on this notice."))
    if attachment is not None:
        upload_check(attachment)
    objection = Objection.objects.create(
        notice=notice,
        entry=entry,
        reason=reason.strip()[:2000],
        contact=contact[:100],
        attachment=attachment or "",
        source_hash=address_hash(address),
    )
    notify(
        recipient=notice.published_by,
        subject=_("An objection to the public notice: %(title)s") % {"title": notice.title},
        body=objection.reason[:200],
        url=f"/notices/{notice.pk}/objections/",
    )
    audit_record(
        actor=None,
        action="review.objection",
        org=notice.org,
        obj=notice,
        after={"objection": objection.pk, "entry": entry.pk if entry else None},
    )
    return objection


@transaction.atomic
def objection_answer(
    *, actor: User, objection: Objection, answer: str, sustained: bool
) -> Objection:
    """Staff answer an objection (R6). A sustained one takes its entry off the notice: a case
    goes back to its opener; a subject's program is told (on_notice_entry, SEND_BACK)."""
    objection = (
        Objection.objects.select_for_update(of=("self",))
        .select_related("notice", "entry")
        .get(pk=objection.pk)
    )
    notice = objection.notice
    if not actor_can(actor, Perm.CASE_REVIEW, notice.org):
        raise PermissionDenied
    if objection.answered_at is not None:
        raise ValidationError(_("This objection has been answered already."))
    if not answer.strip():
        raise ValidationError(_("Write the answer; it is kept with the objection."))
    if sustained and objection.entry is None:
        raise ValidationError(_("An objection to the whole notice cannot send one case back."))
    objection.answer = answer.strip()
    objection.sustained = sustained
    objection.answered_by = actor
    objection.answered_at = timezone.now()
    objection.save()
    entry = objection.entry if sustained else None
    if entry is not None and entry.case_id is None:
        if not entry.withdrawn:  # a second sustained objection changes nothing more
            entry.withdrawn = True
            entry.save(update_fields=["withdrawn"])
            entry_tell(entry, notice, Decision.SEND_BACK)
    elif entry is not None and entry.case_id is not None:
        entry.withdrawn = True
        entry.save(update_fields=["withdrawn"])
        case = ReviewCase.objects.select_for_update().get(pk=entry.case_id)
        case.state = CaseState.SENT_BACK
        case.reason = objection.answer
        case.level_index = 0
        case.save()
        program_tell(case, Decision.SEND_BACK)
        record_step(case, actor, notice.org, Decision.SEND_BACK, objection.answer)
        notify(
            recipient=case.opener,
            subject=_("Sent back after an objection: %(title)s") % {"title": case.title},
            body=objection.answer,
            url=f"/review/cases/{case.pk}/",
        )
    audit_record(
        actor=actor,
        action="review.objection_answer",
        org=notice.org,
        obj=notice,
        after={"objection": objection.pk, "sustained": sustained},
        reason=objection.answer,
    )
    if notice.ends_on < timezone.localdate():
        notice_close(notice_id=notice.pk)  # the last answer after the period closes it
    return objection


def entry_tell(entry: NoticeEntry, notice: Notice, decision: str) -> None:
    """A subject entry's program hears what became of it (withdrawn after a sustained
    objection, or confirmed), in the same transaction: as program_tell for a case."""
    hook = program_for(notice.program).on_notice_entry
    if hook is not None:
        hook(entry, decision)


@transaction.atomic
def notice_close(*, notice_id: int) -> Notice:
    """After the period, with every objection answered, the entries still on the notice are
    confirmed (R6): their cases, or, for a subject, through the program's on_notice_entry.
    Run by the task scheduled at publication; does nothing before its time."""
    notice = Notice.objects.select_for_update(of=("self",)).select_related("org").get(pk=notice_id)
    if notice.state != NoticeState.OPEN or timezone.localdate() <= notice.ends_on:
        return notice
    if notice.objections.filter(answered_at__isnull=True).exists():
        return notice  # the last answer closes it
    confirmed: list[int] = []
    for entry in notice.entries.filter(withdrawn=False).order_by("pk"):
        if entry.case_id is None:
            entry_tell(entry, notice, Decision.CONFIRM)
            confirmed.append(entry.pk)
            continue
        case = ReviewCase.objects.select_for_update().get(pk=entry.case_id)
        if case.state == CaseState.UNDER_NOTICE:
            case.state = CaseState.CONFIRMED
            case.save(update_fields=["state"])
            program_tell(case, Decision.CONFIRM)
            record_step(case, notice.published_by, notice.org, Decision.CONFIRM)
    notice.state = NoticeState.CLOSED
    notice.save(update_fields=["state"])
    audit_record(
        actor=None,
        action="review.notice_close",
        org=notice.org,
        obj=notice,
        after={"subjects_confirmed": confirmed} if confirmed else None,
    )
    return notice


def notices_due() -> list[int]:
    """Open notices whose period is over: a safety net beside the scheduled task."""
    return list(
        Notice.objects.filter(state=NoticeState.OPEN, ends_on__lt=timezone.localdate()).values_list(
            "pk", flat=True
        )
    )
