"""Five-small results (五小, R14): submission by a worker or their union, the eligibility
checks (in use, not an earlier winner), the unit's pledge before judging, judging on a
`scoring` panel with R14's rubric, awards from its ranking, patents, value and attachments."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation

from gonghui.core.models import AuditEntry, Org, User
from gonghui.innovation.models import FiveSmallResult, FiveSmallRound, PatentKind, RoundState
from gonghui.innovation.selectors_results import results_figures, results_for
from gonghui.innovation.services import result_records as records
from gonghui.innovation.services import results as services
from gonghui.innovation.tests.factories_results import five_small_round, result, worker
from gonghui.orgs.models import Person
from gonghui.scoring import services as scoring
from gonghui.scoring.models import PanelState

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english() -> None:
    """Messages are read in English: the Chinese catalogue is filled in separately."""
    translation.activate("en")


@pytest.fixture
def courier(orgs: dict[str, Org], personas: dict[str, User]) -> Person:
    return worker(orgs["HH-DH-KD-001"], "周骑手", user=personas["courier_worker"])


@pytest.fixture
def city_round(personas: dict[str, User], orgs: dict[str, Org]) -> FiveSmallRound:
    return five_small_round(personas["city_admin"], orgs["HH"])


def test_r14_worker_submits_own_result_and_union_submits_for_a_worker(
    personas: dict[str, User], orgs: dict[str, Org], courier: Person, city_round: FiveSmallRound
) -> None:
    own = result(personas["courier_worker"], city_round, [courier], title="快递袋封口辅助器")
    assert own.unit == orgs["HH-DH-KD-001"] and own.submitted_by == personas["courier_worker"]
    fitter = worker(orgs["HH-DH-JD1-001"], "林海峰")
    helper = worker(orgs["HH-DH-JD1-001"], "黄建国")
    for_them = result(personas["factory_chair"], city_round, [fitter, helper])
    assert set(for_them.authors.all()) == {fitter, helper}
    assert AuditEntry.objects.filter(action="innovation.result_submit").count() == 2
    # a worker cannot enter someone else's result, nor staff of another district
    with pytest.raises(PermissionDenied):
        result(personas["courier_worker"], city_round, [fitter], title="别人的成果")
    with pytest.raises(PermissionDenied):
        result(personas["xishan_staff"], city_round, [fitter], title="别区的成果")


def test_r14_result_not_yet_in_use_is_refused(
    personas: dict[str, User], courier: Person, city_round: FiveSmallRound
) -> None:
    actor = personas["courier_worker"]
    with pytest.raises(ValidationError, match="R14: a result must already be in use"):
        result(actor, city_round, [courier], in_use_at="  ")
    with pytest.raises(ValidationError, match="R14: a result must already be in use"):
        result(actor, city_round, [courier], in_use_since=None)
    tomorrow = dt.date.today() + dt.timedelta(days=2)
    with pytest.raises(ValidationError, match="start date is still to come"):
        result(actor, city_round, [courier], in_use_since=tomorrow)
    with pytest.raises(ValidationError, match="at most two decimal places"):
        result(actor, city_round, [courier], benefit_yuan=Decimal("1.005"))
    assert FiveSmallResult.objects.count() == 0


def _winner(
    personas: dict[str, User], orgs: dict[str, Org], author: Person, year: int = 2025
) -> FiveSmallResult:
    earlier = five_small_round(personas["city_admin"], orgs["HH"], year=year)
    won = result(personas["city_admin"], earlier, [author], title="快递包裹分拣防错标签")
    FiveSmallResult.objects.filter(pk=won.pk).update(award="first")
    FiveSmallRound.objects.filter(pk=earlier.pk).update(
        state=RoundState.AWARDED, awarded_at=timezone.now()
    )
    return won


def test_r14_earlier_winner_is_refused_by_title_and_author(
    personas: dict[str, User], orgs: dict[str, Org], courier: Person, city_round: FiveSmallRound
) -> None:
    _winner(personas, orgs, courier)
    with pytest.raises(ValidationError, match=r"R14: .* already won an award in 2025"):
        result(personas["courier_worker"], city_round, [courier], title=" 快递包裹分拣 防错标签")
    # the same title by someone else is another result
    other = worker(orgs["HH-DH-KD-001"], "吴晓东")
    assert result(personas["city_admin"], city_round, [other], title="快递包裹分拣防错标签")


def test_r14_declared_resubmission_of_a_winner_is_refused_under_a_new_title(
    personas: dict[str, User], orgs: dict[str, Org], courier: Person, city_round: FiveSmallRound
) -> None:
    won = _winner(personas, orgs, courier)
    with pytest.raises(ValidationError, match="already won an award"):
        result(
            personas["courier_worker"],
            city_round,
            [courier],
            title="分拣防错标签（改进版）",
            resubmission_of=won,
        )


def test_r14_earlier_entry_that_won_nothing_may_come_back(
    personas: dict[str, User], orgs: dict[str, Org], courier: Person, city_round: FiveSmallRound
) -> None:
    earlier = five_small_round(personas["city_admin"], orgs["HH"], year=2025)
    before = result(personas["city_admin"], earlier, [courier], title="快递包裹分拣防错标签")
    again = result(
        personas["courier_worker"],
        city_round,
        [courier],
        title="快递包裹分拣防错标签",
        resubmission_of=before,
    )
    assert again.resubmission_of == before


def test_r14_pledge_only_by_the_unit_staff_once(
    personas: dict[str, User], orgs: dict[str, Org], city_round: FiveSmallRound
) -> None:
    fitter = worker(orgs["HH-DH-JD1-001"], "林海峰", user=None)
    entered = result(personas["factory_chair"], city_round, [fitter])
    for username in ("xishan_staff", "courier_worker"):
        with pytest.raises(PermissionDenied):
            services.result_pledge(actor=personas[username], result=entered)
    pledged = services.result_pledge(actor=personas["factory_chair"], result=entered)
    assert pledged.pledged_by == personas["factory_chair"] and pledged.pledged_at is not None
    with pytest.raises(ValidationError, match="pledged this result already"):
        services.result_pledge(actor=personas["factory_chair"], result=entered)


def test_r14_judging_refused_while_a_result_lacks_its_pledge(
    personas: dict[str, User], orgs: dict[str, Org], courier: Person, city_round: FiveSmallRound
) -> None:
    fitter = worker(orgs["HH-DH-JD1-001"], "林海峰")
    pledged = result(personas["factory_chair"], city_round, [fitter])
    services.result_pledge(actor=personas["factory_chair"], result=pledged)
    result(personas["courier_worker"], city_round, [courier], title="快递袋封口辅助器")
    admin = personas["city_admin"]
    with pytest.raises(
        ValidationError, match=r"R14: the unit's authenticity pledge .*快递袋封口辅助器"
    ):
        services.round_judging_open(actor=admin, round_=city_round)
    assert services.round_panel(city_round) is None
    panel = services.round_judging_open(actor=admin, round_=city_round, leave_out_unpledged=True)
    assert [e.object_id for e in panel.entries.all()] == [str(pledged.pk)]
    city_round.refresh_from_db()
    assert city_round.state == RoundState.JUDGING
    # the round takes no more results, and no more pledges
    with pytest.raises(ValidationError, match="takes no more results"):
        result(personas["courier_worker"], city_round, [courier], title="晚到的成果")


def _judged_round(
    personas: dict[str, User], orgs: dict[str, Org], city_round: FiveSmallRound
) -> list[FiveSmallResult]:
    """Four pledged results, three judges marking them 90, 80, 70 and 60 in all."""
    entered = []
    for n, name in enumerate(("林海峰", "黄建国", "陈志强", "吴文斌")):
        person = worker(orgs["HH-DH-JD1-001"], name)
        entered.append(result(personas["factory_chair"], city_round, [person], title=f"成果{n}"))
        services.result_pledge(actor=personas["factory_chair"], result=entered[-1])
    admin = personas["city_admin"]
    panel = services.round_judging_open(actor=admin, round_=city_round)
    for username in ("judge", "judge2", "judge3"):
        scoring.judge_add(actor=admin, panel=panel, user=personas[username])
    for entry in panel.entries.all():
        share = Decimal(90 - 10 * [str(r.pk) for r in entered].index(entry.object_id)) / 100
        marks = {code: str(share * maximum) for code, _l, maximum in services.R14_CRITERIA}
        for username in ("judge", "judge2", "judge3"):
            scoring.sheet_save(actor=personas[username], panel=panel, entry=entry, marks=marks)
    return entered


def test_r14_round_judged_with_the_default_rubric_then_awarded_from_the_ranking(
    personas: dict[str, User], orgs: dict[str, Org], city_round: FiveSmallRound
) -> None:
    admin = personas["city_admin"]
    FiveSmallRound.objects.filter(pk=city_round.pk).update(
        prize_table=[{"name": "first", "count": 1}, {"name": "second", "count": 1}]
    )
    city_round.refresh_from_db()
    entered = _judged_round(personas, orgs, city_round)
    panel = services.round_panel(city_round)
    assert panel is not None
    maxima = {c.code: c.maximum for c in panel.rubric.to_engine().criteria}
    assert maxima == {
        "advanced": 10,
        "novelty": 10,
        "difficulty": 10,
        "economic": 40,
        "social": 10,
        "maturity": 10,
        "effect": 10,
    }
    with pytest.raises(ValidationError, match="Lock the results on the judging panel first"):
        services.round_award(actor=admin, round_=city_round)
    scoring.results_lock(actor=admin, panel=panel)
    awarded = services.round_award(actor=admin, round_=city_round)
    assert [r.award for r in sorted(awarded, key=lambda r: r.pk)] == ["first", "second"]
    assert {r.pk for r in awarded} == {entered[0].pk, entered[1].pk}
    panel.refresh_from_db()
    city_round.refresh_from_db()
    assert panel.state == PanelState.PUBLISHED and city_round.state == RoundState.AWARDED
    with pytest.raises(ValidationError):
        services.round_award(actor=admin, round_=city_round)


def test_r14_patents_value_and_attachments(
    personas: dict[str, User], orgs: dict[str, Org], courier: Person, city_round: FiveSmallRound
) -> None:
    entered = result(personas["courier_worker"], city_round, [courier])
    chair = personas["courier_chair"]
    records.result_patent_add(
        actor=chair,
        result=entered,
        number="ZL 2025 2 0123456.7",
        kind=PatentKind.UTILITY,
        granted_on=dt.date(2025, 8, 1),
    )
    with pytest.raises(ValidationError, match="recorded already"):
        records.result_patent_add(
            actor=chair,
            result=entered,
            number="ZL202520123456.7",
            kind=PatentKind.UTILITY,
            granted_on=dt.date(2025, 8, 1),
        )
    with pytest.raises(ValidationError, match="zero or more"):
        records.result_value_record(actor=chair, result=entered, value=Decimal("-1"))
    records.result_value_record(actor=chair, result=entered, value=Decimal("52000.50"))
    with pytest.raises(PermissionDenied):
        records.result_value_record(
            actor=personas["courier_worker"], result=entered, value=Decimal(1)
        )
    renamed = SimpleUploadedFile("drawing.pdf", b"MZ\x90\x00 not a pdf")
    with pytest.raises(ValidationError, match="not a PDF, PNG or JPEG"):
        records.result_attachment_add(
            actor=personas["courier_worker"], result=entered, upload=renamed
        )
    pdf = SimpleUploadedFile("drawing.pdf", b"%PDF-1.4\n%test\n")
    records.result_attachment_add(actor=personas["courier_worker"], result=entered, upload=pdf)
    entered.refresh_from_db()
    assert entered.value_created == Decimal("52000.50")
    assert entered.patents.get().number == "ZL202520123456.7"
    assert entered.attachments.count() == 1


def test_r14_results_are_seen_by_their_people_and_unions_only(
    personas: dict[str, User], orgs: dict[str, Org], courier: Person, city_round: FiveSmallRound
) -> None:
    entered = result(personas["courier_worker"], city_round, [courier])
    for username, sees in (
        ("city_admin", True),
        ("donghu_staff", True),
        ("courier_chair", True),
        ("courier_worker", True),
        ("xishan_staff", False),
        ("factory_chair", False),
        ("employer_hr", False),
    ):
        assert (entered in results_for(personas[username])) is sees, username


def test_r14_figures_of_the_year(
    personas: dict[str, User], orgs: dict[str, Org], city_round: FiveSmallRound
) -> None:
    _judged_round(personas, orgs, city_round)
    panel = services.round_panel(city_round)
    assert panel is not None
    scoring.results_lock(actor=personas["city_admin"], panel=panel)
    services.round_award(actor=personas["city_admin"], round_=city_round)
    figures = results_figures(personas["donghu_staff"], orgs["HH-DH"], 2026)
    assert figures.results_submitted == 4
    assert figures.by_kind["Small improvement"] == 4
    assert figures.awarded == 4  # the default table (3 first, 6 second, 10 third) holds all
    assert figures.pairings == 0 and figures.visitors_booked == 0
