"""Paying awards: batches for the bank, each award paid once; a paid award is corrected only
by a recorded reversal (R12). And the donors who pair with students or offer jobs."""

from __future__ import annotations

import datetime as dt
import io
import time
import uuid
from decimal import Decimal

import openpyxl
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl.styles import Font

from gonghui.aid.models import (
    Application,
    Award,
    AwardReversal,
    Campaign,
    Donor,
    Offer,
    Pairing,
    PaymentBatch,
    SchoolStage,
)
from gonghui.core.models import Org, User
from gonghui.core.money import yuan
from gonghui.core.permissions import Perm
from gonghui.core.scoping import actor_can, org_scope_q
from gonghui.core.services import audit_record
from gonghui.review.models import CaseState

# R12's guard for payment: the awards are locked while a batch takes them. Only the
# concurrency test turns it off (and widens the gap) to show two batches claiming one award.
BATCH_LOCK = True
RACE_WINDOW = 0.0


@transaction.atomic
def batch_create(*, actor: User, campaign: Campaign) -> PaymentBatch:
    """Every confirmed, unpaid award of the campaign in the actor's scope goes into one new
    batch. The awards are locked first, so two batches made at once never share one."""
    if not actor_can(actor, Perm.AID_MANAGE, campaign.org):
        raise PermissionDenied
    candidates = Award.objects.select_for_update(of=("self",)) if BATCH_LOCK else Award.objects
    awards = list(
        candidates.filter(
            campaign=campaign,
            cancelled_at__isnull=True,
            batch__isnull=True,
            application__case__state=CaseState.CONFIRMED,
        )
        .filter(org_scope_q(actor, Perm.AID_MANAGE, field="application__org"))
        .order_by("pk")
    )
    if RACE_WINDOW:
        time.sleep(RACE_WINDOW)
    if not awards:
        waiting = Award.objects.filter(
            campaign=campaign,
            cancelled_at__isnull=True,
            application__case__state__in=(CaseState.APPROVED, CaseState.UNDER_NOTICE),
        ).count()
        if waiting:
            raise ValidationError(
                _(
                    "R6: %(n)d approved awards wait for their public notice to end; they are "
                    "paid once it has."
                )
                % {"n": waiting},
                code="notice_not_finished",
            )
        raise ValidationError(_("No confirmed award is waiting for payment."))
    batch = PaymentBatch.objects.create(
        campaign=campaign,
        org=campaign.org,
        number=f"tmp{uuid.uuid4().hex[:20]}",  # replaced below, once the batch has its id
        total=sum((a.amount for a in awards), Decimal(0)),
        count=len(awards),
        created_by=actor,
    )
    batch.number = f"JQ{campaign.year}-{batch.pk:04d}"
    batch.save(update_fields=["number"])
    Award.objects.filter(pk__in=[a.pk for a in awards], batch__isnull=True).update(batch=batch)
    audit_record(
        actor=actor,
        action="aid.batch_create",
        org=campaign.org,
        obj=batch,
        after={"awards": len(awards), "total": batch.total},
    )
    return batch


def batch_xlsx(*, actor: User, batch: PaymentBatch) -> bytes:
    """The bank's payment file: one row per award with the full account number (the bank
    needs it), so reading it is audited."""
    if not actor_can(actor, Perm.AID_MANAGE, batch.org):
        raise PermissionDenied
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = batch.number
    sheet.append([_("Payment batch %(number)s") % {"number": batch.number}])
    sheet["A1"].font = Font(bold=True, size=14)
    headers = [
        _("No."),
        _("Account holder"),
        _("Account number"),
        _("Bank"),
        _("Amount (yuan)"),
        _("Purpose"),
        _("Union"),
    ]
    sheet.append(headers)
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    awards = batch.awards.select_related("application__org").order_by("pk")
    for number, award in enumerate(awards, 1):
        app = award.application
        sheet.append(
            [
                number,
                app.account_holder,
                app.account_number,
                app.bank,
                award.amount,
                _("%(year)d golden-autumn aid · %(stage)s")
                % {"year": award.year, "stage": SchoolStage(award.stage).label},
                app.org.name,
            ]
        )
        sheet.cell(row=number + 2, column=3).number_format = "@"
        sheet.cell(row=number + 2, column=5).number_format = "#,##0.00"
    total_row = batch.count + 3
    sheet.cell(row=total_row, column=4, value=_("Total"))
    sheet.cell(row=total_row, column=5, value=batch.total).number_format = "#,##0.00"
    for column, width in zip("ABCDEFG", (6, 12, 24, 20, 14, 28, 30), strict=True):
        sheet.column_dimensions[column].width = width
    out = io.BytesIO()
    book.save(out)
    audit_record(
        actor=actor,
        action="aid.batch_export",
        org=batch.org,
        obj=batch,
        after={"awards": batch.count},
    )
    return out.getvalue()


@transaction.atomic
def batch_mark_paid(*, actor: User, batch: PaymentBatch, bank_reference: str) -> PaymentBatch:
    """The bank has paid the batch: its awards are paid, for good."""
    batch = PaymentBatch.objects.select_for_update().get(pk=batch.pk)
    if not actor_can(actor, Perm.AID_MANAGE, batch.org):
        raise PermissionDenied
    if batch.paid_at is not None:
        raise ValidationError(_("This batch is marked paid already."))
    if not bank_reference.strip():
        raise ValidationError(_("Enter the bank's reference for the payment."))
    batch.paid_at = timezone.now()
    batch.paid_by = actor
    batch.bank_reference = bank_reference.strip()[:60]
    batch.save(update_fields=["paid_at", "paid_by", "bank_reference"])
    audit_record(
        actor=actor,
        action="aid.batch_paid",
        org=batch.org,
        obj=batch,
        after={"reference": batch.bank_reference, "total": batch.total},
    )
    return batch


@transaction.atomic
def award_reverse(*, actor: User, award: Award, reason: str) -> AwardReversal:
    """A paid award found wrong (fraud, a double payment) is reversed by a recorded
    correction; the award itself is never edited (R12)."""
    award = (
        Award.objects.select_for_update(of=("self",))
        .select_related("batch", "campaign")
        .get(pk=award.pk)
    )
    if not actor_can(actor, Perm.AID_MANAGE, award.campaign.org):
        raise PermissionDenied
    if award.batch is None or award.batch.paid_at is None:
        raise ValidationError(_("Only a paid award is reversed; an unpaid one is sent back."))
    if not reason.strip():
        raise ValidationError(_("Give the reason for the reversal."))
    try:
        with transaction.atomic():
            reversal = AwardReversal.objects.create(
                award=award, amount=award.amount, reason=reason.strip(), actor=actor
            )
    except IntegrityError as exc:
        raise ValidationError(_("This award is reversed already.")) from exc
    audit_record(
        actor=actor,
        action="aid.award_reverse",
        org=award.campaign.org,
        obj=award,
        after={"amount": award.amount},
        reason=reversal.reason,
    )
    return reversal


def paid_total(campaign: Campaign) -> Decimal:
    return Award.objects.filter(campaign=campaign, batch__paid_at__isnull=False).net()


# --- Donors ----------------------------------------------------------------------------------


@transaction.atomic
def donor_create(
    *, actor: User, org: Org, name: str, kind: str, contact: str = "", pledged: Decimal = Decimal(0)
) -> Donor:
    if not actor_can(actor, Perm.AID_MANAGE, org):
        raise PermissionDenied
    if not name.strip():
        raise ValidationError(_("Enter the donor's name."))
    donor = Donor.objects.create(
        org=org, name=name.strip(), kind=kind, contact=contact.strip(), pledged=yuan(pledged)
    )
    audit_record(actor=actor, action="aid.donor_create", org=org, obj=donor)
    return donor


@transaction.atomic
def pairing_create(
    *,
    actor: User,
    donor: Donor,
    application: Application,
    yearly: Decimal = Decimal(0),
    started_on: dt.date | None = None,
    note: str = "",
) -> Pairing:
    """One donor for one aided student (一对一结对)."""
    if not actor_can(actor, Perm.AID_MANAGE, donor.org) or not actor_can(
        actor, Perm.AID_MANAGE, application.org
    ):
        raise PermissionDenied
    if not Award.objects.filter(application=application, cancelled_at__isnull=True).exists():
        raise ValidationError(_("Pairings are with students who have been awarded aid."))
    try:
        with transaction.atomic():
            pairing = Pairing.objects.create(
                donor=donor,
                application=application,
                yearly=yuan(yearly),
                started_on=started_on or timezone.localdate(),
                note=note.strip(),
            )
    except IntegrityError as exc:
        raise ValidationError(_("This student is paired with a donor already.")) from exc
    audit_record(
        actor=actor,
        action="aid.pairing_create",
        org=donor.org,
        obj=pairing,
        after={"donor": donor.pk},
    )
    return pairing


@transaction.atomic
def offer_create(
    *,
    actor: User,
    donor: Donor,
    kind: str,
    title: str,
    places: int = 1,
    location: str = "",
    description: str = "",
) -> Offer:
    """A part-time job or internship for aided students."""
    if not actor_can(actor, Perm.AID_MANAGE, donor.org):
        raise PermissionDenied
    if not title.strip() or places < 1:
        raise ValidationError(_("Give the offer a title and at least one place."))
    offer = Offer.objects.create(
        donor=donor,
        kind=kind,
        title=title.strip(),
        places=places,
        location=location.strip(),
        description=description.strip(),
    )
    audit_record(actor=actor, action="aid.offer_create", org=donor.org, obj=offer)
    return offer
