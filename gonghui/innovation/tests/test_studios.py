"""Studios (R15): leaders' titles, naming through review and public notice, subsidies,
projects, and the annual review through a scoring panel."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from gonghui.core.models import Org, User
from gonghui.innovation.models import (
    AllianceMember,
    MemberState,
    ReviewOutcome,
    ReviewRound,
    Studio,
    StudioLevel,
    StudioState,
    SubsidyKind,
    TitleKind,
    TitleLevel,
)
from gonghui.innovation.selectors_studios import studio_figures
from gonghui.innovation.services import studios as services
from gonghui.innovation.tests import factories_studios as f
from gonghui.review import services as review
from gonghui.review.models import CaseState
from gonghui.scoring import services as scoring

pytestmark = pytest.mark.django_db
YEAR = timezone.localdate().year


def test_r15_leader_with_city_model_worker_title_proposes_and_case_climbs(
    personas: dict[str, User], orgs: dict[str, Org]
) -> None:
    studio = f.proposed(personas, orgs)
    assert studio.state == StudioState.PROPOSED
    assert studio.case is not None
    studio.case.refresh_from_db()
    assert studio.case.state == CaseState.UNDER_REVIEW
    assert studio.case.reviewing_org == orgs["HH-DH"]


@pytest.mark.parametrize(
    ("kind", "level", "eligible"),
    [
        (TitleKind.MODEL_WORKER, TitleLevel.CITY, True),
        (TitleKind.MODEL_WORKER, TitleLevel.NATIONAL, True),
        (TitleKind.MODEL_WORKER, TitleLevel.DISTRICT, False),
        (TitleKind.MAY_DAY_MEDAL, TitleLevel.DISTRICT, True),
        (TitleKind.CRAFTSMAN, TitleLevel.PROVINCIAL, True),
        (TitleKind.CRAFTSMAN, TitleLevel.DISTRICT, False),
    ],
)
def test_r15_leader_eligibility_by_title(
    orgs: dict[str, Org], kind: str, level: str, eligible: bool
) -> None:
    person = f.titled(orgs[f.FACTORY], kind=kind, level=level)
    assert services.leader_eligible(person) is eligible


def test_r15_ineligible_leader_is_refused_naming_the_rule(
    personas: dict[str, User], orgs: dict[str, Org]
) -> None:
    district_only = f.titled(orgs[f.FACTORY], "区劳模", level=TitleLevel.DISTRICT)
    with pytest.raises(ValidationError) as caught:
        f.proposed(personas, orgs, leader=district_only)
    assert "R15" in caught.value.messages[0]
    assert not Studio.objects.exists()


def test_r15_other_district_cannot_propose_at_the_factory(
    personas: dict[str, User], orgs: dict[str, Org]
) -> None:
    leader = f.titled(orgs[f.FACTORY])
    with pytest.raises(PermissionDenied):
        services.studio_propose(
            actor=personas["xishan_staff"],
            org=orgs[f.FACTORY],
            name="越权工作室",
            level=StudioLevel.ENTERPRISE,
            field="energy",
            leader=leader,
        )


def test_r15_city_studio_is_named_after_notice_and_joins_the_alliance(
    personas: dict[str, User], orgs: dict[str, Org]
) -> None:
    f.alliance(personas, orgs)
    studio = f.proposed(personas, orgs)
    services.studio_naming_approve(actor=personas["donghu_staff"], studio=studio)
    studio = services.studio_naming_approve(actor=personas["city_admin"], studio=studio)
    assert studio.case is not None and studio.case.state == CaseState.UNDER_NOTICE
    assert studio.state == StudioState.PROPOSED  # not named before the notice ends
    f.notice_over(studio)
    studio.refresh_from_db()
    assert studio.state == StudioState.NAMED
    assert studio.named_on == timezone.localdate()
    seat = AllianceMember.objects.get(studio=studio)
    assert seat.state == MemberState.MEMBER


def test_r15_enterprise_studio_is_named_without_joining(
    personas: dict[str, User], orgs: dict[str, Org]
) -> None:
    f.alliance(personas, orgs)
    studio = f.named(personas, orgs, "班组创新工作室", level=StudioLevel.ENTERPRISE)
    assert studio.state == StudioState.NAMED
    assert not AllianceMember.objects.filter(studio=studio).exists()


def test_r15_rejected_naming_leaves_the_studio_not_named(
    personas: dict[str, User], orgs: dict[str, Org]
) -> None:
    studio = f.proposed(personas, orgs)
    assert studio.case is not None
    review.case_reject(actor=personas["donghu_staff"], case=studio.case, reason="材料不全")
    studio.refresh_from_db()
    assert studio.state == StudioState.NOT_NAMED


def test_r15_subsidies_new_and_reconfirmed_and_once_a_year(
    personas: dict[str, User], orgs: dict[str, Org]
) -> None:
    studio = f.named(personas, orgs)
    admin = personas["city_admin"]
    grant = services.subsidy_grant(actor=admin, studio=studio, year=YEAR, kind=SubsidyKind.NEW)
    assert grant.amount == Decimal("50000.00")
    with pytest.raises(ValidationError, match="R15"):
        services.subsidy_grant(actor=admin, studio=studio, year=YEAR, kind=SubsidyKind.NEW)
    services.subsidy_rate_set(
        actor=admin,
        org=orgs["HH"],
        year=YEAR + 1,
        kind=SubsidyKind.RECONFIRMED,
        amount=Decimal("35000.00"),
    )
    again = services.subsidy_grant(
        actor=admin, studio=studio, year=YEAR + 1, kind=SubsidyKind.RECONFIRMED
    )
    assert again.amount == Decimal("35000.00")
    assert services.subsidy_amount(
        org=studio.org, year=YEAR + 2, kind=SubsidyKind.RECONFIRMED
    ) == Decimal("30000.00")


def test_r15_proposed_studio_gets_no_subsidy(
    personas: dict[str, User], orgs: dict[str, Org]
) -> None:
    studio = f.proposed(personas, orgs)
    with pytest.raises(ValidationError, match="R15"):
        services.subsidy_grant(
            actor=personas["city_admin"], studio=studio, year=YEAR, kind=SubsidyKind.NEW
        )


def _round_scored(personas: dict[str, User], orgs: dict[str, Org]) -> ReviewRound:
    """The city's annual review with two judges' sheets for every studio, locked."""
    admin = personas["city_admin"]
    review_round = services.review_round_open(actor=admin, org=orgs["HH"], year=YEAR)
    panel = services.round_panel(review_round)
    assert panel is not None
    for name in ("judge", "judge2"):
        scoring.judge_add(actor=admin, panel=panel, user=personas[name])
    for entry in panel.entries.all():
        for name in ("judge", "judge2"):
            scoring.sheet_save(
                actor=personas[name],
                panel=panel,
                entry=entry,
                marks={"results": "30", "team": "15", "mentoring": "16", "service": "18"},
            )
    scoring.results_lock(actor=admin, panel=panel)
    return review_round


def test_r15_annual_review_outcomes_after_the_panel(
    personas: dict[str, User], orgs: dict[str, Org]
) -> None:
    admin = personas["city_admin"]
    busy = f.named(personas, orgs, "有成果工作室")
    idle = f.named(personas, orgs, "无成果工作室")
    late = f.named(personas, orgs, "待整改工作室")
    services.project_register(
        actor=personas["factory_chair"],
        studio=busy,
        year=YEAR,
        title="数控刀具寿命提升",
        kind="improvement",
        outcome="刀具寿命提高 30%",
        value_created=Decimal("1250000.50"),
        patents=2,
    )
    review_round = _round_scored(personas, orgs)
    passed = services.review_outcome_set(
        actor=admin, review_round=review_round, studio=busy, outcome=ReviewOutcome.PASS
    )
    assert passed.outcome == ReviewOutcome.PASS
    deadline = timezone.localdate() + dt.timedelta(days=90)
    fix = services.review_outcome_set(
        actor=admin,
        review_round=review_round,
        studio=late,
        outcome=ReviewOutcome.FIX,
        fix_by=deadline,
        to_fix="补报年度成果",
    )
    assert (fix.fix_by, fix.to_fix) == (deadline, "补报年度成果")
    services.review_outcome_set(
        actor=admin, review_round=review_round, studio=idle, outcome=ReviewOutcome.DELIST
    )
    idle.refresh_from_db()
    assert idle.state == StudioState.DELISTED
    assert idle.delisted_on == timezone.localdate()
    assert Studio.objects.filter(pk=idle.pk).exists()  # de-listed studios stay on the record


def test_r15_studio_with_no_result_cannot_pass(
    personas: dict[str, User], orgs: dict[str, Org]
) -> None:
    idle = f.named(personas, orgs, "无成果工作室")
    review_round = _round_scored(personas, orgs)
    with pytest.raises(ValidationError) as caught:
        services.review_outcome_set(
            actor=personas["city_admin"],
            review_round=review_round,
            studio=idle,
            outcome=ReviewOutcome.PASS,
        )
    assert "R15" in caught.value.messages[0]
    assert not idle.reviews.exists()


def test_r15_fix_by_deadline_needs_its_date_and_what_to_fix(
    personas: dict[str, User], orgs: dict[str, Org]
) -> None:
    studio = f.named(personas, orgs)
    review_round = _round_scored(personas, orgs)
    for fix_by, to_fix in ((None, "补报成果"), (timezone.localdate() + dt.timedelta(days=30), "")):
        with pytest.raises(ValidationError, match="R15"):
            services.review_outcome_set(
                actor=personas["city_admin"],
                review_round=review_round,
                studio=studio,
                outcome=ReviewOutcome.FIX,
                fix_by=fix_by,
                to_fix=to_fix,
            )


def test_r15_outcome_waits_for_the_panel_scores(
    personas: dict[str, User], orgs: dict[str, Org]
) -> None:
    studio = f.named(personas, orgs)
    review_round = services.review_round_open(
        actor=personas["city_admin"], org=orgs["HH"], year=YEAR
    )
    with pytest.raises(ValidationError):
        services.review_outcome_set(
            actor=personas["city_admin"],
            review_round=review_round,
            studio=studio,
            outcome=ReviewOutcome.DELIST,
        )


def test_r15_delisted_studio_cannot_register_a_project(
    personas: dict[str, User], orgs: dict[str, Org]
) -> None:
    studio = f.named(personas, orgs)
    review_round = _round_scored(personas, orgs)
    services.review_outcome_set(
        actor=personas["city_admin"],
        review_round=review_round,
        studio=studio,
        outcome=ReviewOutcome.DELIST,
    )
    with pytest.raises(ValidationError) as caught:
        services.project_register(
            actor=personas["factory_chair"],
            studio=studio,
            year=YEAR,
            title="新项目",
            kind="research",
        )
    assert "R15" in caught.value.messages[0]
    assert not studio.projects.exists()


def test_r15_figures_for_the_figures_page(personas: dict[str, User], orgs: dict[str, Org]) -> None:
    f.alliance(personas, orgs)
    studio = f.named(personas, orgs)
    f.proposed(personas, orgs, "待命名工作室", level=StudioLevel.ENTERPRISE)
    services.subsidy_grant(
        actor=personas["city_admin"], studio=studio, year=YEAR, kind=SubsidyKind.NEW
    )
    services.project_register(
        actor=personas["factory_chair"],
        studio=studio,
        year=YEAR,
        title="节能改造",
        kind="improvement",
        value_created=Decimal("80000.00"),
    )
    figures = studio_figures(personas["donghu_staff"], orgs["HH-DH"], YEAR)
    assert figures.by_level == {StudioLevel.CITY.value: 1}
    assert figures.by_field == {"manufacturing": 1}
    assert (figures.named, figures.delisted, figures.ordinary_members) == (1, 0, 1)
    assert figures.subsidies_total == Decimal("50000.00")
    assert figures.value_created == Decimal("80000.00")
