"""R19 appeals: accepted until 2 hours after the contest ends, answered once by the
arbitration panel (final); results are published only after the window, with every appeal
answered."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from gonghui.competitions import appeals, services
from gonghui.competitions.models import Contest
from gonghui.competitions.services import contest_panel
from gonghui.competitions.tests.factories import judged, open_contest
from gonghui.core.models import Org, User
from gonghui.core.services import role_grant
from gonghui.orgs.tests.factories import member
from gonghui.scoring import engine
from gonghui.scoring.models import PanelState

pytestmark = pytest.mark.django_db

FACTORY = "HH-DH-JD1-001"


@pytest.fixture
def locked(personas: dict[str, User], orgs: dict[str, Org]) -> Contest:
    """A finished contest of two fitters, marked and locked, with an arbiter on its panel."""
    staff = personas["donghu_staff"]
    contest = open_contest(
        staff,
        orgs["HH-DH"],
        title="东湖区钳工技能竞赛",
        job=("fitter", "钳工"),
        prizes=[engine.PrizeTier("first", 1)],
    )
    for name in ("冯钳工", "褚钳工"):
        person = member(orgs[FACTORY], name, job_type="钳工", skill_grade=3).person
        services.registration_submit(
            actor=personas["factory_chair"], contest=contest, people=[person]
        )
    arbiter = User.objects.create(username="arbiter", display_name="仲裁员")
    role_grant(actor=None, user=arbiter, role="judge", org=orgs["HH"])
    marks = {"冯钳工": (90, 95), "褚钳工": (80, 70)}
    judged(staff, personas["judge"], contest, marks, arbiters=[arbiter])
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
