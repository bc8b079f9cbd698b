"""Every write of pairing agreements (结对共建) between a state-owned and a private enterprise's
unions: the agreement, its plan items (and marking one done), joint activities, outcomes."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.core.models import Org, User
from gonghui.core.permissions import Perm
from gonghui.core.scoping import actor_can
from gonghui.core.services import audit_record
from gonghui.innovation.models import (
    ActivityKind,
    OutcomeKind,
    PairingActivity,
    PairingAgreement,
    PairingOutcome,
    PairingPlanItem,
)
from gonghui.orgs.models import Enterprise, Ownership


def _require(actor: User, org: Org) -> None:
    if not actor_can(actor, Perm.INNOVATION_MANAGE, org):
        raise PermissionDenied


def _locked(agreement: PairingAgreement) -> PairingAgreement:
    return (
        PairingAgreement.objects.select_for_update(of=("self",))
        .select_related("org")
        .get(pk=agreement.pk)
    )


@transaction.atomic
def pairing_create(
    *,
    actor: User,
    org: Org,
    state_enterprise: Enterprise,
    private_enterprise: Enterprise,
    signed_on: dt.date,
    areas: str,
) -> PairingAgreement:
    """A pairing recorded by a federation above both enterprises' unions. Refused, naming each
    fault: a side of the wrong ownership (one state-owned, one private), a union outside the
    federation, no areas, a signing date in the future, a couple paired already."""
    _require(actor, org)
    faults: list[str] = []
    if state_enterprise.ownership != Ownership.STATE:
        faults.append(
            _("%(name)s is not a state-owned enterprise.") % {"name": state_enterprise.name}
        )
    if private_enterprise.ownership != Ownership.PRIVATE:
        faults.append(
            _("%(name)s is not a private enterprise.") % {"name": private_enterprise.name}
        )
    for enterprise in (state_enterprise, private_enterprise):
        if not enterprise.union.path.startswith(org.path):
            faults.append(
                _("%(name)s's union is not under %(org)s.")
                % {"name": enterprise.name, "org": org.name}
            )
    if not areas.strip():
        faults.append(_("Name the areas the two unions work on together."))
    if signed_on > timezone.localdate():
        faults.append(_("The signing date cannot be in the future."))
    if PairingAgreement.objects.filter(
        state_enterprise=state_enterprise, private_enterprise=private_enterprise
    ).exists():
        faults.append(_("These two enterprises are paired already."))
    if faults:
        raise ValidationError(faults, code="pairing")
    agreement = PairingAgreement.objects.create(
        org=org,
        state_enterprise=state_enterprise,
        state_union=state_enterprise.union,
        private_enterprise=private_enterprise,
        private_union=private_enterprise.union,
        signed_on=signed_on,
        areas=areas.strip(),
        created_by=actor,
    )
    audit_record(
        actor=actor,
        action="innovation.pairing_create",
        org=org,
        obj=agreement,
        after={"state": state_enterprise.pk, "private": private_enterprise.pk},
    )
    return agreement


@transaction.atomic
def pairing_plan_item_add(
    *, actor: User, agreement: PairingAgreement, text: str, owner: str, due_on: dt.date
) -> PairingPlanItem:
    """A plan item with who answers for it and when it is due."""
    agreement = _locked(agreement)
    _require(actor, agreement.org)
    if not text.strip() or not owner.strip():
        raise ValidationError(_("A plan item needs what is to be done and who owns it."))
    if due_on < agreement.signed_on:
        raise ValidationError(_("A plan item cannot be due before the agreement was signed."))
    item = PairingPlanItem.objects.create(
        agreement=agreement, text=text.strip()[:200], owner=owner.strip()[:60], due_on=due_on
    )
    audit_record(
        actor=actor, action="innovation.pairing_plan_item_add", org=agreement.org, obj=item
    )
    return item


@transaction.atomic
def pairing_plan_item_done(*, actor: User, item: PairingPlanItem) -> PairingPlanItem:
    """Marks a plan item done, once, with who and when."""
    agreement = _locked(item.agreement)
    _require(actor, agreement.org)
    item = PairingPlanItem.objects.select_for_update().get(pk=item.pk)
    if item.done_at is not None:
        raise ValidationError(_("This plan item is done already."), code="done")
    item.done_at, item.done_by = timezone.now(), actor
    item.save(update_fields=["done_at", "done_by"])
    audit_record(
        actor=actor, action="innovation.pairing_plan_item_done", org=agreement.org, obj=item
    )
    return item


@transaction.atomic
def pairing_activity_add(
    *, actor: User, agreement: PairingAgreement, kind: ActivityKind, held_on: dt.date, note: str
) -> PairingActivity:
    """A joint activity (labour competition, proposal drive, studio building, training…)."""
    agreement = _locked(agreement)
    _require(actor, agreement.org)
    if kind not in ActivityKind.values:
        raise ValidationError(_("Choose the kind of activity."), code="kind")
    if held_on < agreement.signed_on:
        raise ValidationError(_("A joint activity cannot come before the agreement was signed."))
    activity = PairingActivity.objects.create(
        agreement=agreement, kind=kind, held_on=held_on, note=note.strip()[:200]
    )
    audit_record(
        actor=actor,
        action="innovation.pairing_activity_add",
        org=agreement.org,
        obj=activity,
        after={"kind": kind},
    )
    return activity


@transaction.atomic
def pairing_outcome_add(
    *, actor: User, agreement: PairingAgreement, kind: OutcomeKind, count: int, note: str
) -> PairingOutcome:
    """An outcome of the pairing: a private firm helped, a studio fostered, a platform built."""
    agreement = _locked(agreement)
    _require(actor, agreement.org)
    if kind not in OutcomeKind.values:
        raise ValidationError(_("Choose the kind of outcome."), code="kind")
    if count < 1:
        raise ValidationError(_("An outcome counts at least one."), code="count")
    outcome = PairingOutcome.objects.create(
        agreement=agreement, kind=kind, count=count, note=note.strip()[:200]
    )
    audit_record(
        actor=actor,
        action="innovation.pairing_outcome_add",
        org=agreement.org,
        obj=outcome,
        after={"kind": kind, "count": count},
    )
    return outcome
