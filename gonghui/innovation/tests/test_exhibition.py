"""The exhibition of results (百项创新成果展): at most 100 results, visiting batches, and
units' bookings that never overbook a batch; its public list."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import translation

from gonghui.core.models import AuditEntry, Org, User
from gonghui.innovation.models import Exhibition, ExhibitionItem, VisitBooking, VisitSlot
from gonghui.innovation.services import exhibition as services
from gonghui.innovation.tests.factories_results import five_small_round, result, worker

pytestmark = pytest.mark.django_db
ClientFor = Callable[[str], Client]
SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = dt.datetime(2026, 11, 20, 9, 0, tzinfo=SHANGHAI)
EN = {"Accept-Language": "en"}


@pytest.fixture(autouse=True)
def english() -> None:
    """Messages are read in English: the Chinese catalogue is filled in separately."""
    translation.activate("en")


@pytest.fixture(autouse=True)
def clock() -> object:
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def exhibition(personas: dict[str, User], orgs: dict[str, Org]) -> Exhibition:
    return services.exhibition_create(
        actor=personas["donghu_staff"],
        org=orgs["HH-DH"],
        title="东湖区职工创新成果展",
        venue="东湖区职工服务中心",
        starts_on=dt.date(2026, 11, 25),
        ends_on=dt.date(2026, 12, 10),
        capacity=60,
    )


@pytest.fixture
def slot(personas: dict[str, User], exhibition: Exhibition) -> VisitSlot:
    return services.visit_slot_add(
        actor=personas["donghu_staff"],
        exhibition=exhibition,
        starts_at=dt.datetime(2026, 11, 26, 9, 30, tzinfo=SHANGHAI),
    )


def test_exhibition_refuses_bad_dates_and_capacity(
    personas: dict[str, User], orgs: dict[str, Org]
) -> None:
    with pytest.raises(ValidationError) as refused:
        services.exhibition_create(
            actor=personas["donghu_staff"],
            org=orgs["HH-DH"],
            title="展",
            venue="",
            starts_on=dt.date(2026, 12, 2),
            ends_on=dt.date(2026, 12, 1),
            capacity=0,
        )
    assert len(refused.value.messages) == 3
    with pytest.raises(PermissionDenied):
        services.exhibition_create(
            actor=personas["factory_chair"],
            org=orgs["HH-DH"],
            title="展",
            venue="馆",
            starts_on=dt.date(2026, 12, 1),
            ends_on=dt.date(2026, 12, 2),
            capacity=10,
        )


def test_exhibition_shows_a_result_once_and_at_most_100(
    personas: dict[str, User], orgs: dict[str, Org], exhibition: Exhibition
) -> None:
    staff = personas["donghu_staff"]
    round_ = five_small_round(personas["city_admin"], orgs["HH"])
    person = worker(orgs["HH-DH-JD1-001"], "林海峰")
    shown = result(personas["factory_chair"], round_, [person])
    services.exhibition_result_add(actor=staff, exhibition=exhibition, result=shown)
    with pytest.raises(ValidationError, match="in the exhibition already"):
        services.exhibition_result_add(actor=staff, exhibition=exhibition, result=shown)
    others = [
        result(personas["factory_chair"], round_, [person], title=f"成果{n}") for n in range(100)
    ]
    ExhibitionItem.objects.bulk_create(
        ExhibitionItem(exhibition=exhibition, result=r, position=n)
        for n, r in enumerate(others[:99], start=2)
    )
    with pytest.raises(ValidationError, match="at most 100 results"):
        services.exhibition_result_add(actor=staff, exhibition=exhibition, result=others[99])
    xishan = worker(orgs["HH-XS-JD1-001"], "西山甲")
    outside = result(personas["city_admin"], round_, [xishan], title="西山成果")
    ExhibitionItem.objects.filter(exhibition=exhibition, position=100).delete()
    with pytest.raises(ValidationError, match="not from a union under the organiser"):
        services.exhibition_result_add(actor=staff, exhibition=exhibition, result=outside)


def test_batch_within_the_dates_once(
    personas: dict[str, User], exhibition: Exhibition, slot: VisitSlot
) -> None:
    staff = personas["donghu_staff"]
    with pytest.raises(ValidationError, match="already"):
        services.visit_slot_add(actor=staff, exhibition=exhibition, starts_at=slot.starts_at)
    with pytest.raises(ValidationError, match="within the exhibition's dates"):
        services.visit_slot_add(
            actor=staff,
            exhibition=exhibition,
            starts_at=dt.datetime(2027, 1, 5, 9, 0, tzinfo=SHANGHAI),
        )


def test_unit_books_a_batch_and_overbooking_is_refused(
    personas: dict[str, User], orgs: dict[str, Org], slot: VisitSlot
) -> None:
    factory = orgs["HH-DH-JD1-001"]
    booking = services.visit_book(
        actor=personas["factory_chair"], slot=slot, unit=factory, visitors=45
    )
    assert booking.visitors == 45
    with pytest.raises(ValidationError, match="booked this batch already"):
        services.visit_book(actor=personas["factory_chair"], slot=slot, unit=factory, visitors=1)
    with pytest.raises(ValidationError, match="15 places left; 20 visitors do not fit"):
        services.visit_book(
            actor=personas["courier_chair"], slot=slot, unit=orgs["HH-DH-KD-001"], visitors=20
        )
    services.visit_book(
        actor=personas["courier_chair"], slot=slot, unit=orgs["HH-DH-KD-001"], visitors=15
    )
    slot.refresh_from_db()
    assert (slot.booked, slot.free) == (60, 0)
    assert AuditEntry.objects.filter(action="innovation.visit_book").count() == 2


def test_booking_refused_for_others_units_and_past_batches(
    personas: dict[str, User], orgs: dict[str, Org], slot: VisitSlot, clock: object
) -> None:
    with pytest.raises(PermissionDenied):
        services.visit_book(
            actor=personas["factory_chair"], slot=slot, unit=orgs["HH-DH-KD-001"], visitors=5
        )
    with pytest.raises(PermissionDenied):
        services.visit_book(
            actor=personas["courier_worker"], slot=slot, unit=orgs["HH-DH-KD-001"], visitors=5
        )
    clock.move_to(dt.datetime(2026, 11, 26, 10, 0, tzinfo=SHANGHAI))  # type: ignore[attr-defined]
    with pytest.raises(ValidationError, match="has begun"):
        services.visit_book(
            actor=personas["factory_chair"], slot=slot, unit=orgs["HH-DH-JD1-001"], visitors=5
        )


def test_database_refuses_an_overbooked_batch(slot: VisitSlot) -> None:
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        VisitSlot.objects.filter(pk=slot.pk).update(booked=61)


def test_exhibition_pages_book_and_show_the_public_list(
    personas: dict[str, User],
    orgs: dict[str, Org],
    exhibition: Exhibition,
    slot: VisitSlot,
    client_for: ClientFor,
) -> None:
    round_ = five_small_round(personas["city_admin"], orgs["HH"])
    shown = result(personas["factory_chair"], round_, [worker(orgs["HH-DH-JD1-001"], "林海峰")])
    staff = client_for("donghu_staff")
    staff.post(
        reverse("innovation:exhibition_result_add", args=[exhibition.pk]), {"result": shown.pk}
    )
    assert ExhibitionItem.objects.filter(exhibition=exhibition).count() == 1
    chair = client_for("factory_chair")
    page = chair.get(reverse("innovation:exhibition", args=[exhibition.pk]))
    assert page.status_code == 200 and 'data-testid="booking-form"' in page.content.decode()
    too_many = chair.post(
        reverse("innovation:exhibition_book", args=[exhibition.pk]),
        {"slot": slot.pk, "unit": orgs["HH-DH-JD1-001"].pk, "visitors": "61"},
        headers=EN,
    )
    assert too_many.status_code == 400 and "60 places left" in too_many.content.decode()
    booked = chair.post(
        reverse("innovation:exhibition_book", args=[exhibition.pk]),
        {"slot": slot.pk, "unit": orgs["HH-DH-JD1-001"].pk, "visitors": "30"},
    )
    assert booked.status_code == 302
    assert VisitBooking.objects.get().visitors == 30
    # the organiser sees which unit booked; another unit sees only the places taken
    factory = orgs["HH-DH-JD1-001"].name
    assert (
        f"{factory} × 30"
        in staff.get(reverse("innovation:exhibition", args=[exhibition.pk])).content.decode()
    )
    other = client_for("courier_chair").get(reverse("innovation:exhibition", args=[exhibition.pk]))
    assert f"{factory} × 30" not in other.content.decode()
    assert "30 / 60" in other.content.decode()
    # the public page lists the results, without authors' names, to anyone
    public = client_for("courier_worker").get(
        reverse("innovation:exhibition_public", args=[exhibition.pk])
    )
    anonymous = Client().get(reverse("innovation:exhibition_public", args=[exhibition.pk]))
    for response in (public, anonymous):
        text = response.content.decode()
        assert response.status_code == 200 and shown.title in text and "林海峰" not in text
    assert (
        client_for("xishan_staff")
        .get(reverse("innovation:exhibition", args=[exhibition.pk]))
        .status_code
        == 404
    )
