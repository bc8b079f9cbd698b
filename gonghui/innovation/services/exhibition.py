"""Every write of the exhibition of results (百项创新成果展): the exhibition, the results it
shows (at most 100), its visiting batches and the units' bookings, which never overbook a
batch (the slot row is locked, and the database refuses more visitors than its capacity)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.core.models import Org, User
from gonghui.core.permissions import Perm
from gonghui.core.scoping import actor_can
from gonghui.core.services import audit_record
from gonghui.innovation.models import (
    Exhibition,
    ExhibitionItem,
    FiveSmallResult,
    VisitBooking,
    VisitSlot,
)
from gonghui.innovation.services.results import is_unit_staff


def _require(actor: User, org: Org) -> None:
    if not actor_can(actor, Perm.INNOVATION_MANAGE, org):
        raise PermissionDenied


def _locked(exhibition: Exhibition) -> Exhibition:
    return (
        Exhibition.objects.select_for_update(of=("self",))
        .select_related("org")
        .get(pk=exhibition.pk)
    )


@transaction.atomic
def exhibition_create(
    *,
    actor: User,
    org: Org,
    title: str,
    venue: str,
    starts_on: dt.date,
    ends_on: dt.date,
    capacity: int,
) -> Exhibition:
    """An exhibition with its venue, dates and how many visitors a batch takes."""
    _require(actor, org)
    faults: list[str] = []
    if not title.strip() or not venue.strip():
        faults.append(_("An exhibition needs a title and a venue."))
    if ends_on < starts_on:
        faults.append(_("The exhibition closes on or after the day it opens."))
    if capacity < 1:
        faults.append(_("A batch takes at least one visitor."))
    if faults:
        raise ValidationError(faults, code="exhibition")
    exhibition = Exhibition.objects.create(
        org=org,
        title=title.strip()[:200],
        venue=venue.strip()[:200],
        starts_on=starts_on,
        ends_on=ends_on,
        capacity=capacity,
        created_by=actor,
    )
    audit_record(actor=actor, action="innovation.exhibition_create", org=org, obj=exhibition)
    return exhibition


@transaction.atomic
def exhibition_result_add(
    *, actor: User, exhibition: Exhibition, result: FiveSmallResult
) -> ExhibitionItem:
    """Shows a result of the organiser's subtree, once; at most 100 results an exhibition."""
    exhibition = _locked(exhibition)
    _require(actor, exhibition.org)
    if not result.unit.path.startswith(exhibition.org.path):
        raise ValidationError(_("This result is not from a union under the organiser."))
    if exhibition.items.filter(result=result).exists():
        raise ValidationError(_("This result is in the exhibition already."), code="duplicate")
    if exhibition.items.count() >= Exhibition.MAX_RESULTS:
        raise ValidationError(
            _("An exhibition shows at most %(n)s results.") % {"n": Exhibition.MAX_RESULTS},
            code="full",
        )
    taken = set(exhibition.items.values_list("position", flat=True))
    position = next(n for n in range(1, Exhibition.MAX_RESULTS + 1) if n not in taken)
    item = ExhibitionItem.objects.create(exhibition=exhibition, result=result, position=position)
    audit_record(
        actor=actor,
        action="innovation.exhibition_result_add",
        org=exhibition.org,
        obj=exhibition,
        after={"result": result.pk, "position": position},
    )
    return item


@transaction.atomic
def visit_slot_add(
    *, actor: User, exhibition: Exhibition, starts_at: dt.datetime, capacity: int | None = None
) -> VisitSlot:
    """A visiting batch at a time within the exhibition's dates (capacity: the exhibition's
    unless given)."""
    exhibition = _locked(exhibition)
    _require(actor, exhibition.org)
    size = exhibition.capacity if capacity is None else capacity
    faults: list[str] = []
    if timezone.is_naive(starts_at):
        faults.append(_("The batch time needs a time zone."))
    elif not exhibition.starts_on <= timezone.localtime(starts_at).date() <= exhibition.ends_on:
        faults.append(_("A batch falls within the exhibition's dates."))
    if size < 1:
        faults.append(_("A batch takes at least one visitor."))
    if not faults and exhibition.slots.filter(starts_at=starts_at).exists():
        faults.append(_("There is a batch at this time already."))
    if faults:
        raise ValidationError(faults, code="slot")
    slot = VisitSlot.objects.create(exhibition=exhibition, starts_at=starts_at, capacity=size)
    audit_record(
        actor=actor,
        action="innovation.visit_slot_add",
        org=exhibition.org,
        obj=slot,
        after={"capacity": size},
    )
    return slot


def _slot_locked(pk: int) -> VisitSlot:
    """The batch's row, locked until the booking commits: bookings of one batch queue here."""
    return (
        VisitSlot.objects.select_for_update(of=("self",))
        .select_related("exhibition", "exhibition__org")
        .get(pk=pk)
    )


@transaction.atomic
def visit_book(*, actor: User, slot: VisitSlot, unit: Org, visitors: int) -> VisitBooking:
    """A unit union books places for its workers in a batch. The batch's row is locked while
    its free places are counted, and the database refuses a count above its capacity, so two
    units booking at once never overbook it. Refused with the places left: more visitors than
    are free, a batch already begun, a second booking of the same unit in the batch."""
    if not is_unit_staff(actor, unit) or not actor_can(actor, Perm.INNOVATION_VIEW, unit):
        raise PermissionDenied
    slot = _slot_locked(slot.pk)
    if not unit.path.startswith(slot.exhibition.org.path):
        raise PermissionDenied
    if visitors < 1:
        raise ValidationError(_("Book at least one visitor."), code="visitors")
    if slot.starts_at <= timezone.now():
        raise ValidationError(_("This batch has begun: book a later one."), code="past")
    if VisitBooking.objects.filter(slot=slot, unit=unit).exists():
        raise ValidationError(
            _("%(unit)s has booked this batch already.") % {"unit": unit.name}, code="duplicate"
        )
    if visitors > slot.free:
        raise ValidationError(
            _("This batch has %(free)s places left; %(n)s visitors do not fit.")
            % {"free": slot.free, "n": visitors},
            code="full",
        )
    try:
        with transaction.atomic():
            VisitSlot.objects.filter(pk=slot.pk).update(booked=F("booked") + visitors)
    except IntegrityError as exc:  # the check constraint: another booking got there first
        raise ValidationError(
            _("This batch has filled up meanwhile; choose another."), code="full"
        ) from exc
    booking = VisitBooking.objects.create(slot=slot, unit=unit, visitors=visitors, booked_by=actor)
    audit_record(
        actor=actor,
        action="innovation.visit_book",
        org=unit,
        obj=booking,
        after={"slot": slot.pk, "visitors": visitors},
    )
    return booking
