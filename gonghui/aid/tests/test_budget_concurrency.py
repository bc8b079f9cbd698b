"""R12 under concurrency (PostgreSQL): 50 city approvals at once against a budget that fits
40 awards. Each approval reads what is committed, then writes its award; the test widens
that gap a little so that approvals overlap as they do under load. Without the campaign lock
they all see room and overdraw; with it, exactly 40 are approved."""

from __future__ import annotations

import threading
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connections

from gonghui.aid.models import Application, Award, Campaign
from gonghui.aid.services import autumn
from gonghui.aid.tests.factories import application, campaign, living_lines
from gonghui.core.models import Org, User
from gonghui.orgs.tests.factories import member
from gonghui.review import services as review
from gonghui.review.models import CaseState

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

CASES = 50
FITS = 40  # the budget holds 40 awards of 5,000


@pytest.fixture
def waiting_at_the_city(
    personas: dict[str, User], orgs: dict[str, Org], monkeypatch: pytest.MonkeyPatch
) -> tuple[Campaign, list[Application]]:
    member(orgs["HH-DH-KD-001"], "周骑手", user=personas["courier_worker"])
    living_lines(personas["city_admin"], [orgs["HH-DH"]])
    c = campaign(personas["city_admin"], orgs["HH"], budget=Decimal(5000 * FITS))
    apps = []
    for _ in range(CASES):
        app = application(personas["courier_worker"], c)  # undergraduate, off file: 5,000
        autumn.application_forward(actor=personas["courier_chair"], application=app)
        review.case_approve(actor=personas["donghu_staff"], case=app.case)  # type: ignore[arg-type]
        apps.append(app)
    monkeypatch.setattr(autumn, "RACE_WINDOW", 0.05)
    return c, apps


def _approve_all_at_once(city_admin: User, apps: list[Application]) -> list[str]:
    start = threading.Barrier(len(apps), timeout=30)
    outcomes: list[str] = []

    def approve(app: Application) -> None:
        try:
            start.wait()
            actor = User.objects.get(pk=city_admin.pk)
            review.case_approve(actor=actor, case=app.case)  # type: ignore[arg-type]
            outcomes.append("approved")
        except ValidationError:
            outcomes.append("refused")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=approve, args=(a,)) for a in apps]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return outcomes


def test_r12_race_overdraws_without_the_lock(
    personas: dict[str, User],
    waiting_at_the_city: tuple[Campaign, list[Application]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    c, apps = waiting_at_the_city
    monkeypatch.setattr(autumn, "BUDGET_LOCK", False)
    outcomes = _approve_all_at_once(personas["city_admin"], apps)
    assert len(outcomes) == CASES
    assert outcomes.count("approved") > FITS
    assert autumn.committed(c) > c.budget  # the overdraw the lock prevents


def test_r12_fifty_parallel_approvals_give_exactly_forty(
    personas: dict[str, User], waiting_at_the_city: tuple[Campaign, list[Application]]
) -> None:
    c, apps = waiting_at_the_city
    outcomes = _approve_all_at_once(personas["city_admin"], apps)
    assert (outcomes.count("approved"), outcomes.count("refused")) == (FITS, CASES - FITS)
    assert Award.objects.filter(campaign=c, cancelled_at__isnull=True).count() == FITS
    assert autumn.committed(c) == c.budget
    approved = Application.objects.filter(case__state=CaseState.APPROVED).count()
    assert approved == FITS  # a refused approval left its case waiting, whole
