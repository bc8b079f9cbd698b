"""Concurrency on PostgreSQL for R8 and R12's payments. Each first shows the race without its
guard, so the test can fail: two unions filing the same household at once (the partial unique
index stops the second), and two payment batches made at once (the award lock keeps each
award in one batch and each batch's total true)."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from gonghui.aid.models import Award, Campaign, HouseholdMember, PaymentBatch
from gonghui.aid.services import hardship, payments
from gonghui.aid.services.hardship import Finances, MemberData
from gonghui.aid.tests.factories import application, campaign, living_lines
from gonghui.core.models import Org, User
from gonghui.orgs.tests.factories import member, resident_id
from gonghui.review import notices
from gonghui.review import services as review

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _together(*calls: Callable[[], object]) -> list[str]:
    start = threading.Barrier(len(calls), timeout=30)
    outcomes: list[str] = []

    def run(call: Callable[[], object]) -> None:
        try:
            start.wait()
            call()
            outcomes.append("done")
        except ValidationError:
            outcomes.append("refused")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(c,)) for c in calls]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return sorted(outcomes)


@pytest.fixture
def household_filed_twice(
    personas: dict[str, User], orgs: dict[str, Org], monkeypatch: pytest.MonkeyPatch
) -> tuple[Callable[[], object], Callable[[], object]]:
    """东湖's factory and 西山's textile union each file the same child's household, both
    after checking that nobody in it is on a file yet."""
    living_lines(personas["city_admin"], [orgs["HH-DH"], orgs["HH-XS"]])
    child = resident_id()
    barrier = threading.Barrier(2, timeout=10)
    real = hardship._clean_members

    def checked_then_wait(members):  # type: ignore[no-untyped-def]
        cleaned = real(members)
        barrier.wait()
        return cleaned

    monkeypatch.setattr(hardship, "_clean_members", checked_then_wait)

    def filing(actor: str, union: str) -> Callable[[], object]:
        worker = member(Org.objects.get(code=union), "职工").person.id_number
        return lambda: hardship.hardship_file_open(
            actor=User.objects.get(username=actor),
            org=Org.objects.get(code=union),
            members=[
                MemberData(f"{union}职工", "self", worker, Decimal(12_000)),
                MemberData("同一个孩子", "child", child),
            ],
            finances=Finances(),
        )

    return filing("factory_chair", "HH-DH-JD1-001"), filing("xishan_staff", "HH-XS-JD1-001")


def test_r08_race_exists_without_the_unique_index(household_filed_twice) -> None:  # type: ignore[no-untyped-def]
    with connection.cursor() as cursor:
        cursor.execute("DROP INDEX one_open_file_per_person")
    try:
        assert _together(*household_filed_twice) == ["done", "done"]
        assert HouseholdMember.objects.filter(name="同一个孩子", file_open=True).count() == 2
    finally:
        HouseholdMember.objects.all().delete()
        with connection.cursor() as cursor:
            cursor.execute(
                "CREATE UNIQUE INDEX one_open_file_per_person ON aid_householdmember (id_hash) "
                "WHERE file_open"
            )


def test_r08_the_database_files_the_household_once(household_filed_twice) -> None:  # type: ignore[no-untyped-def]
    assert _together(*household_filed_twice) == ["done", "refused"]
    assert HouseholdMember.objects.filter(name="同一个孩子", file_open=True).count() == 1


@pytest.fixture
def confirmed(
    personas: dict[str, User], orgs: dict[str, Org], monkeypatch: pytest.MonkeyPatch
) -> Campaign:
    """Five confirmed awards of 5,000 waiting for payment."""
    member(orgs["HH-DH-KD-001"], "周骑手", user=personas["courier_worker"])
    living_lines(personas["city_admin"], [orgs["HH-DH"]])
    c = campaign(personas["city_admin"], orgs["HH"])
    cases = []
    for _ in range(5):
        app = application(personas["courier_worker"], c)
        review.case_submit(actor=personas["courier_chair"], case=app.case)  # type: ignore[arg-type]
        review.case_approve(actor=personas["donghu_staff"], case=app.case)  # type: ignore[arg-type]
        review.case_approve(actor=personas["city_admin"], case=app.case)  # type: ignore[arg-type]
        cases.append((app.case, "x"))
    notice = notices.notice_publish(
        actor=personas["city_admin"],
        program="aid.autumn",
        org=orgs["HH"],
        title="公示",
        cases=cases,  # type: ignore[arg-type]
        starts_on=dt.date(2026, 1, 5),
    )
    notices.notice_close(notice_id=notice.pk)
    monkeypatch.setattr(payments, "RACE_WINDOW", 0.3)
    return c


def _two_batches(personas: dict[str, User], c: Campaign) -> list[str]:
    def make() -> object:
        return payments.batch_create(
            actor=User.objects.get(pk=personas["city_admin"].pk), campaign=c
        )

    return _together(make, make)


def test_r12_race_double_counts_without_the_award_lock(personas, confirmed, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(payments, "BATCH_LOCK", False)
    assert _two_batches(personas, confirmed) == ["done", "done"]
    claimed = sum(b.total for b in PaymentBatch.objects.all())
    assert claimed == Decimal(50_000)  # both batches claim the same 25,000 yuan


def test_r12_two_batches_at_once_pay_each_award_once(personas, confirmed) -> None:  # type: ignore[no-untyped-def]
    assert _two_batches(personas, confirmed) == ["done", "refused"]
    batch = PaymentBatch.objects.get()
    assert (batch.count, batch.total) == (5, Decimal(25_000))
    assert Award.objects.filter(batch=batch).count() == 5
