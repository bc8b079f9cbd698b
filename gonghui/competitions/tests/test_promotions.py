"""Skill-grade promotion of prize winners (R19): from published results, through the orgs
service, once per contest, and shown on the member's page."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from gonghui.competitions import promotions, services
from gonghui.competitions.models import Contest
from gonghui.competitions.tests.factories import judged, open_contest
from gonghui.core.models import Org, User
from gonghui.orgs.models import Person, SkillGradeChange
from gonghui.orgs.tests.factories import member
from gonghui.scoring import engine
from gonghui.scoring import services as scoring

pytestmark = pytest.mark.django_db

FACTORY = "HH-DH-JD1-001"
# Entrant → (theory, practical, grade). Weighted 30/70: 冯 first, 褚 second with a failed
# theory paper, 卫 third, 蒋 fourth (a merit award, top half of seven), the rest nothing.
ENTRANTS = {
    "冯钳工": (90, 95, 3),
    "褚钳工": (50, 99, 3),
    "卫钳工": (70, 80, 1),
    "蒋钳工": (70, 75, 3),
    "沈钳工": (60, 60, 3),
    "韩钳工": (50, 55, 3),
    "杨钳工": (40, 50, 3),
}


def _published(personas: dict[str, User], orgs: dict[str, Org]) -> Contest:
    staff = personas["donghu_staff"]
    contest = open_contest(
        staff,
        orgs["HH-DH"],
        title="东湖区钳工技能竞赛",
        job=("fitter", "钳工"),
        prizes=[
            engine.PrizeTier("first", 1),
            engine.PrizeTier("second", 1),
            engine.PrizeTier("third", 1),
        ],
    )
    for name, (_theory, _practical, grade) in ENTRANTS.items():
        person = member(orgs[FACTORY], name, job_type="钳工", skill_grade=grade).person
        services.registration_submit(
            actor=personas["factory_chair"], contest=contest, people=[person]
        )
    marks = {name: (theory, practical) for name, (theory, practical, _g) in ENTRANTS.items()}
    panel = judged(staff, personas["judge"], contest, marks)
    scoring.results_publish(actor=staff, panel=panel)
    return contest


@pytest.fixture
def contest(personas: dict[str, User], orgs: dict[str, Org]) -> Contest:
    return _published(personas, orgs)


def _grades() -> dict[str, int | None]:
    return dict(Person.objects.filter(name__in=ENTRANTS).values_list("name", "skill_grade"))


def test_r19_prize_winner_who_passed_both_parts_goes_up_one_grade(
    personas: dict[str, User], contest: Contest
) -> None:
    changes = promotions.promotions_apply(actor=personas["donghu_staff"], contest=contest)
    assert [(c.person.name, c.from_grade, c.to_grade) for c in changes] == [("冯钳工", 3, 2)]
    assert changes[0].source_ref == f"contest:{contest.pk}"
    grades = _grades()
    assert grades["冯钳工"] == 2
    assert grades["褚钳工"] == 3  # second prize, but failed theory
    assert grades["卫钳工"] == 1  # third prize, at the top grade already
    assert grades["蒋钳工"] == 3  # merit award only


def test_r19_applying_again_promotes_nobody_twice(
    personas: dict[str, User], contest: Contest
) -> None:
    promotions.promotions_apply(actor=personas["donghu_staff"], contest=contest)
    assert promotions.promotions_apply(actor=personas["donghu_staff"], contest=contest) == []
    assert _grades()["冯钳工"] == 2
    assert SkillGradeChange.objects.count() == 1


def test_r19_promotions_wait_for_published_results(
    personas: dict[str, User], orgs: dict[str, Org]
) -> None:
    staff = personas["donghu_staff"]
    now = timezone.now()
    contest = services.contest_create(
        actor=staff,
        org=orgs["HH-DH"],
        title="未评审的竞赛",
        job_types=[services.job_type_create(actor=staff, code="welder", name="焊工")],
        starts_at=now + dt.timedelta(days=10),
        ends_at=now + dt.timedelta(days=10, hours=2),
        closes_at=now + dt.timedelta(days=3),
        venue="东湖区职业技能实训基地",
        time_limit_minutes=60,
    )
    with pytest.raises(ValidationError) as excinfo:
        promotions.promotions_apply(actor=staff, contest=contest)
    assert excinfo.value.code == "not_published"


def test_r19_other_district_cannot_apply_promotions(
    personas: dict[str, User], contest: Contest
) -> None:
    with pytest.raises(PermissionDenied):
        promotions.promotions_apply(actor=personas["xishan_staff"], contest=contest)
    assert not SkillGradeChange.objects.exists()


def test_r19_member_page_shows_the_promotion_on_the_ladder(
    personas: dict[str, User], contest: Contest, client_for: Callable[[str], Client]
) -> None:
    promotions.promotions_apply(actor=personas["donghu_staff"], contest=contest)
    winner = Person.objects.get(name="冯钳工")
    client = client_for("donghu_staff")
    page = client.get(reverse("orgs:member", args=[winner.pk])).content.decode()
    assert "高级工 → 技师" in page
    assert "东湖区钳工技能竞赛" in page
    other = Person.objects.get(name="蒋钳工")
    page = client.get(reverse("orgs:member", args=[other.pk])).content.decode()
    assert "高级工 → 技师" not in page
