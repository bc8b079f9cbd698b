"""Writes that document a five-small result once it is entered (R14): attachments (checked by
`core.uploads`), patents granted for it and the value it has created."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.core.models import User
from gonghui.core.permissions import Perm
from gonghui.core.scoping import actor_can
from gonghui.core.services import audit_record
from gonghui.core.uploads import upload_check
from gonghui.innovation.models import (
    FiveSmallAttachment,
    FiveSmallResult,
    Patent,
    PatentKind,
    RoundState,
)
from gonghui.innovation.services.results import CENT, is_unit_staff

MAX_ATTACHMENTS = 5


def _locked_result(result: FiveSmallResult) -> FiveSmallResult:
    return (
        FiveSmallResult.objects.select_for_update(of=("self",))
        .select_related("round", "round__org", "unit")
        .get(pk=result.pk)
    )


def can_edit(actor: User, result: FiveSmallResult) -> bool:
    return result.submitted_by_id == actor.pk or is_unit_staff(actor, result.unit)


@transaction.atomic
def result_attachment_add(
    *, actor: User, result: FiveSmallResult, upload: UploadedFile
) -> FiveSmallAttachment:
    """A drawing, photo or report of the result (PDF, PNG or JPEG as `core.uploads` checks),
    at most five, added while the round takes results."""
    result = _locked_result(result)
    if not can_edit(actor, result):
        raise PermissionDenied
    if result.round.state != RoundState.OPEN:
        raise ValidationError(_("This round takes no more results."), code="closed")
    if result.attachments.count() >= MAX_ATTACHMENTS:
        raise ValidationError(
            _("A result carries at most %(n)s attachments.") % {"n": MAX_ATTACHMENTS}
        )
    kind = upload_check(upload)
    name = (upload.name or "file")[:200]
    attachment = FiveSmallAttachment(result=result, name=name, content_kind=kind, uploaded_by=actor)
    attachment.file.save(name, upload, save=False)
    attachment.save()
    audit_record(
        actor=actor,
        action="innovation.result_attachment_add",
        org=result.unit,
        obj=result,
        after={"attachment": name},
    )
    return attachment


# --- Patents and value --------------------------------------------------------------------------


def may_record(actor: User, result: FiveSmallResult) -> bool:
    return actor_can(actor, Perm.INNOVATION_MANAGE, result.round.org) or is_unit_staff(
        actor, result.unit
    )


@transaction.atomic
def result_patent_add(
    *,
    actor: User,
    result: FiveSmallResult,
    number: str,
    kind: PatentKind,
    granted_on: dt.date,
) -> Patent:
    """A patent granted for the result (number, kind, date); a number is recorded once."""
    result = _locked_result(result)
    if not may_record(actor, result):
        raise PermissionDenied
    number = "".join(number.split()).upper()
    faults: list[str] = []
    if not number:
        faults.append(_("Give the patent number."))
    if kind not in PatentKind.values:
        faults.append(_("Choose the kind of patent."))
    if granted_on > timezone.localdate():
        faults.append(_("The grant date cannot be in the future."))
    if number and Patent.objects.filter(number=number).exists():
        faults.append(_("Patent %(number)s is recorded already.") % {"number": number})
    if faults:
        raise ValidationError(faults, code="patent")
    patent = Patent.objects.create(
        result=result, number=number[:40], kind=kind, granted_on=granted_on
    )
    audit_record(
        actor=actor,
        action="innovation.result_patent_add",
        org=result.unit,
        obj=result,
        after={"patent": number, "kind": kind},
    )
    return patent


@transaction.atomic
def result_value_record(
    *, actor: User, result: FiveSmallResult, value: Decimal, note: str = ""
) -> FiveSmallResult:
    """The value the result has created or saved, in yuan (two places), as last assessed."""
    result = _locked_result(result)
    if not may_record(actor, result):
        raise PermissionDenied
    if not value.is_finite() or value < 0 or value != value.quantize(CENT):
        raise ValidationError(
            _("The value is in yuan, zero or more, with at most two decimal places."),
            code="value",
        )
    before = result.value_created
    result.value_created = value
    result.save(update_fields=["value_created"])
    audit_record(
        actor=actor,
        action="innovation.result_value_record",
        org=result.unit,
        obj=result,
        before={"value": None if before is None else str(before)},
        after={"value": str(value)},
        reason=note,
    )
    return result
