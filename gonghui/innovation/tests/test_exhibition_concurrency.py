"""Bookings of one visiting batch under concurrency (PostgreSQL): twelve units book ten
visitors each into a batch of 60 at once. Without the row lock every booking passes the
check on free places, and only the database's check constraint stops the overbooking; with
the lock the bookings queue and each sees the places left. Either way: six bookings, 60."""

from __future__ import annotations

import datetime as dt
import threading
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.db import connections

from gonghui.core.models import Org, OrgKind, User
from gonghui.core.services import org_create
from gonghui.innovation.models import VisitBooking, VisitSlot
from gonghui.innovation.services import exhibition as services

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
SHANGHAI = ZoneInfo("Asia/Shanghai")
UNITS = 12


@pytest.fixture
def slot(personas: dict[str, User], orgs: dict[str, Org]) -> VisitSlot:
    today = dt.date.today()
    exhibition = services.exhibition_create(
        actor=personas["city_admin"],
        org=orgs["HH"],
        title="成果展",
        venue="工人文化宫",
        starts_on=today,
        ends_on=today + dt.timedelta(days=30),
        capacity=60,
    )
    return services.visit_slot_add(
        actor=personas["city_admin"],
        exhibition=exhibition,
        starts_at=dt.datetime.combine(today + dt.timedelta(days=3), dt.time(9), tzinfo=SHANGHAI),
    )


def _book_at_once(actor: User, slot: VisitSlot, units: list[Org]) -> list[str]:
    outcomes: list[str] = []
    lock = threading.Lock()

    def book(unit: Org) -> None:
        try:
            services.visit_book(actor=actor, slot=slot, unit=unit, visitors=10)
            outcome = "booked"
        except ValidationError as exc:
            outcome = exc.error_list[0].code or "refused"
        finally:
            connections.close_all()
        with lock:
            outcomes.append(outcome)

    threads = [threading.Thread(target=book, args=(u,)) for u in units]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return sorted(outcomes)


@pytest.fixture
def units(orgs: dict[str, Org]) -> list[Org]:
    return [
        org_create(
            actor=None,
            name=f"并发单位{n}工会",
            code=f"HH-DH-C{n:02d}",
            kind=OrgKind.GRASSROOTS_UNION,
            parent=orgs["HH-DH"],
        )
        for n in range(UNITS)
    ]


def test_without_the_lock_the_check_constraint_still_stops_overbooking(
    personas: dict[str, User], slot: VisitSlot, units: list[Org], monkeypatch: pytest.MonkeyPatch
) -> None:
    barrier = threading.Barrier(UNITS, timeout=30)

    def unlocked_then_wait(pk: int) -> VisitSlot:
        found = VisitSlot.objects.select_related("exhibition", "exhibition__org").get(pk=pk)
        barrier.wait()  # every booking has read 60 free places
        return found

    monkeypatch.setattr(services, "_slot_locked", unlocked_then_wait)
    outcomes = _book_at_once(personas["city_admin"], slot, units)
    slot.refresh_from_db()
    assert slot.booked == 60 and outcomes.count("booked") == 6
    assert VisitBooking.objects.count() == 6


def test_with_the_lock_bookings_queue_and_fill_the_batch_exactly(
    personas: dict[str, User], slot: VisitSlot, units: list[Org]
) -> None:
    outcomes = _book_at_once(personas["city_admin"], slot, units)
    slot.refresh_from_db()
    assert outcomes == ["booked"] * 6 + ["full"] * 6
    assert slot.booked == 60 == sum(VisitBooking.objects.values_list("visitors", flat=True))
