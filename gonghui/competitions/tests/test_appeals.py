"""R19 appeals: accepted until 2 hours after the contest ends, answered once by the
arbitration panel (final); results are published only after the window, with every appeal
answered."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from gonghui.competitions import appeals, services
from gonghui.competitions.certificates import contest_panel
from gonghui.competitions.models import Contest, EntryKind
from gonghui.core.models import Org, User
from gonghui.core.services import role_grant
from gonghui.orgs.tests.factories import member
from gonghui.scoring import engine
from gonghui.scoring import services as scoring
from gonghui.scoring.models import JudgeRole, PanelState

pytestmark = pytest.mark.django_db

FACTORY = "HH-DH-JD1-001"


@pytest.fixture
def locked(personas: dict[str, User], orgs: dict[str, Org]) -> Contest:
    """A finished contest of two fitters, marked and locked, with an arbiter on its panel."""
    staff = personas["donghu_staff"]
    now = timezone.now()
    contest = services.contest_create(
        actor=staff,
        org=orgs["HH-DH"],
        title="东湖区钳工技能竞赛",
        job_types=[services.job_type_create(actor=staff, code="fitter", name="钳工")],
        starts_at=now + dt.timedelta(days=10),
        ends_at=now + dt.timedelta(days=10, hours=2),
        closes_at=now + dt.timedelta(days=3),
        venue="东湖区职业技能实训基地",
        time_limit_minutes=60,
        entry_kind=EntryKind.INDIVIDUAL,
        prize_table=[engine.PrizeTier("first", 1)],
        prize_money={"first": Decimal("5000")},
    )
    services.contest_open(actor=staff, contest=contest)
    for name in ("冯钳工", "褚钳工"):
        person = member(orgs[FACTORY], name, job_type="钳工", skill_grade=3).person
        services.registration_submit(
            actor=personas["factory_chair"], contest=contest, people=[person]
        )
    Contest.objects.filter(pk=contest.pk).update(closes_at=now - dt.timedelta(minutes=1))
    contest.refresh_from_db()
    panel = services.contest_panel_open(actor=staff, contest=contest)
    scoring.judge_add(actor=staff, panel=panel, user=personas["judge"])
    arbiter = User.objects.create(username="arbiter", display_name="仲裁员")
    role_grant(actor=None, user=arbiter, role="judge", org=orgs["HH"])
    scoring.judge_add(actor=staff, panel=panel, user=arbiter, role=JudgeRole.ARBITER)
    for entry, marks in zip(panel.entries.order_by("pk"), ((90, 95), (80, 70)), strict=True):
        scoring.entry_time_record(actor=staff, entry=entry, seconds=3000)
        scoring.sheet_save(
            actor=personas["judge"],
            panel=panel,
            entry=entry,
            marks={"theory_paper": str(marks[0]), "practical_task": str(marks[1])},
        )
    scoring.results_lock(actor=staff, panel=panel)
    return contest


def test_r19_appeal_until_two_hours_after_the_end_then_refused(personas, locked) -> None:  # type: ignore[no-untyped-def]
    entry = locked.registrations.order_by("pk").last()
    with time_machine.travel(locked.ends_at + dt.timedelta(hours=1, minutes=59)):
        appeal = appeals.appeal_file(
            actor=personas["factory_chair"],
            contest=locked,
            registration=entry,
            reason="实操评分有误",
        )
        with pytest.raises(ValidationError, match="已申诉"):
            appeals.appeal_file(
                actor=personas["factory_chair"], contest=locked, registration=entry, reason="再申诉"
            )
    first = locked.registrations.order_by("pk").first()
    late = locked.ends_at + dt.timedelta(hours=2, minutes=1)
    with time_machine.travel(late), pytest.raises(ValidationError, match="R19"):
        appeals.appeal_file(
            actor=personas["factory_chair"], contest=locked, registration=first, reason="迟到"
        )
    assert appeal.reason == "实操评分有误" and locked.appeals.count() == 1


def test_r19_only_the_arbitration_answers_once_and_publishing_waits(personas, locked) -> None:  # type: ignore[no-untyped-def]
    entry = locked.registrations.order_by("pk").last()
    with time_machine.travel(locked.ends_at + dt.timedelta(minutes=30)):
        appeal = appeals.appeal_file(
            actor=personas["factory_chair"], contest=locked, registration=entry, reason="计时有误"
        )
    with time_machine.travel(locked.ends_at + dt.timedelta(hours=3)):
        with pytest.raises(ValidationError, match="等待仲裁"):
            appeals.contest_results_publish(actor=personas["donghu_staff"], contest=locked)
        with pytest.raises(PermissionDenied):  # a judge is not the arbitration
            appeals.appeal_answer(
                actor=personas["judge"], appeal=appeal, answer="维持", upheld=False
            )
        arbiter = User.objects.get(username="arbiter")
        appeals.appeal_answer(actor=arbiter, appeal=appeal, answer="经复核计时无误", upheld=False)
        with pytest.raises(ValidationError, match="最终"):
            appeals.appeal_answer(actor=arbiter, appeal=appeal, answer="改判", upheld=True)
        panel = appeals.contest_results_publish(actor=personas["donghu_staff"], contest=locked)
    assert panel.state == PanelState.PUBLISHED
    assert contest_panel(locked).state == PanelState.PUBLISHED  # type: ignore[union-attr]


def test_r19_results_wait_for_the_appeal_window(personas, locked) -> None:  # type: ignore[no-untyped-def]
    early = locked.ends_at + dt.timedelta(hours=1)
    with time_machine.travel(early), pytest.raises(ValidationError, match="申诉期"):
        appeals.contest_results_publish(actor=personas["donghu_staff"], contest=locked)


def test_appeals_come_from_the_entrant_or_their_union(personas, locked) -> None:  # type: ignore[no-untyped-def]
    entry = locked.registrations.first()
    with time_machine.travel(locked.ends_at), pytest.raises(PermissionDenied):
        appeals.appeal_file(
            actor=personas["xishan_staff"], contest=locked, registration=entry, reason="x"
        )
