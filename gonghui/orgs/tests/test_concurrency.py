"""R2 under concurrency (PostgreSQL): two unions admitting the same person at the same moment.
Both requests pass the "no current membership" check before either writes; the partial unique
index is what stops the second. The first test takes the index away and shows the race."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from gonghui.core.models import Org
from gonghui.orgs import services
from gonghui.orgs.models import Membership, Person
from gonghui.orgs.tests.factories import person

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def both_pass_the_check(monkeypatch: pytest.MonkeyPatch) -> None:
    """Holds each request after its check until the other has checked too."""
    barrier = threading.Barrier(2, timeout=10)
    real = services._current

    def checked_then_wait(p: Person) -> Membership | None:
        found = real(p)
        barrier.wait()
        return found

    monkeypatch.setattr(services, "_current", checked_then_wait)


def _admit_concurrently(who: Person, unions: list[Org]) -> list[str]:
    outcomes: list[str] = []

    def admit(union: Org) -> None:
        try:
            services.membership_admit(actor=None, person=who, org=union)
            outcomes.append("admitted")
        except ValidationError:
            outcomes.append("refused")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=admit, args=(u,)) for u in unions]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    return sorted(outcomes)


def _without(constraint: str) -> Callable[[], None]:
    with connection.cursor() as cursor:
        cursor.execute(f"DROP INDEX {constraint}")  # a partial unique constraint is an index

    def restore() -> None:
        with connection.cursor() as cursor:
            cursor.execute(
                f"CREATE UNIQUE INDEX {constraint} ON orgs_membership (person_id) "
                "WHERE state IN ('active', 'retained')"
            )

    return restore


def test_r02_race_exists_without_the_unique_index(
    orgs: dict[str, Org], both_pass_the_check: None
) -> None:
    who = person(orgs["HH-DH-JD1-001"], "并发甲")
    restore = _without("one_current_membership_per_person")
    try:
        outcomes = _admit_concurrently(who, [orgs["HH-DH-JD1-001"], orgs["HH-XS-JD1-001"]])
        assert outcomes == ["admitted", "admitted"]
        assert Membership.objects.filter(person=who, state="active").count() == 2
    finally:
        Membership.objects.filter(person=who).delete()
        restore()


def test_r02_unique_index_admits_exactly_one(
    orgs: dict[str, Org], both_pass_the_check: None
) -> None:
    who = person(orgs["HH-DH-JD1-001"], "并发乙")
    outcomes = _admit_concurrently(who, [orgs["HH-DH-JD1-001"], orgs["HH-XS-JD1-001"]])
    assert outcomes == ["admitted", "refused"]
    assert Membership.objects.filter(person=who, state="active").count() == 1
