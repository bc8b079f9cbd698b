"""Five-small pages (R14): a worker's form, the unit's pledge, the refusals shown on the form
with nothing lost, opening the judging and publishing the awards, and what each persona sees."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from gonghui.core.models import Org, User
from gonghui.innovation.models import FiveSmallResult, FiveSmallRound, RoundState
from gonghui.innovation.services import results as services
from gonghui.innovation.tests.factories_results import five_small_round, result, worker
from gonghui.orgs.models import Person
from gonghui.scoring import services as scoring
from gonghui.scoring.models import Panel

pytestmark = pytest.mark.django_db
ClientFor = Callable[[str], Client]
EN = {"Accept-Language": "en"}


@pytest.fixture
def courier(orgs: dict[str, Org], personas: dict[str, User]) -> Person:
    return worker(orgs["HH-DH-KD-001"], "周骑手", user=personas["courier_worker"])


@pytest.fixture
def city_round(personas: dict[str, User], orgs: dict[str, Org]) -> FiveSmallRound:
    return five_small_round(personas["city_admin"], orgs["HH"])


def _form(**changes: str) -> dict[str, str]:
    data = {
        "kind": "invention",
        "title": "快递袋封口辅助器",
        "authors": "",
        "problem": "封口慢",
        "solution": "自制辅助器",
        "in_use_at": "东湖快递站点",
        "in_use_since": "2025-05-01",
        "benefit_yuan": "8000",
        "benefit_text": "",
        "resubmission_of": "",
    }
    data.update(changes)
    return data


def test_r14_worker_submits_on_the_form_and_a_refusal_keeps_the_input(
    personas: dict[str, User],
    courier: Person,
    city_round: FiveSmallRound,
    client_for: ClientFor,
) -> None:
    client = client_for("courier_worker")
    url = reverse("innovation:five_small_submit", args=[city_round.pk])
    page = client.get(url)
    assert page.status_code == 200 and 'name="unit"' not in page.content.decode()
    refused = client.post(url, _form(in_use_at=""), headers=EN)
    text = refused.content.decode()
    assert refused.status_code == 400
    assert "R14: a result must already be in use" in text and "快递袋封口辅助器" in text
    done = client.post(url, _form())
    entered = FiveSmallResult.objects.get()
    assert done.status_code == 302 and done["Location"] == reverse(
        "innovation:five_small_result", args=[entered.pk]
    )
    assert list(entered.authors.all()) == [courier]
    mine = client.get(reverse("innovation:five_small")).content.decode()
    assert "快递袋封口辅助器" in mine


def test_r14_union_staff_enter_by_names_and_unknown_names_are_named(
    personas: dict[str, User],
    orgs: dict[str, Org],
    city_round: FiveSmallRound,
    client_for: ClientFor,
) -> None:
    worker(orgs["HH-DH-JD1-001"], "林海峰")
    worker(orgs["HH-DH-JD1-001"], "黄建国")
    client = client_for("factory_chair")
    url = reverse("innovation:five_small_submit", args=[city_round.pk])
    unit = str(orgs["HH-DH-JD1-001"].pk)
    unknown = client.post(url, _form(unit=unit, authors="林海峰，张无名"), headers=EN)
    assert (
        unknown.status_code == 400
        and "张无名: no single current member" in unknown.content.decode()
    )
    client.post(url, _form(unit=unit, authors="林海峰，黄建国"))
    entered = FiveSmallResult.objects.get()
    assert sorted(p.name for p in entered.authors.all()) == ["林海峰", "黄建国"]
    page = reverse("innovation:five_small_result", args=[entered.pk])
    pledge = reverse("innovation:five_small_pledge", args=[entered.pk])
    assert pledge in client.get(page).content.decode()
    unticked = client.post(pledge, {})
    assert unticked.status_code == 400
    client.post(pledge, {"pledge": "on"})
    entered.refresh_from_db()
    assert entered.pledged_by == personas["factory_chair"]


def test_r14_earlier_winner_refused_on_the_form(
    personas: dict[str, User],
    orgs: dict[str, Org],
    courier: Person,
    city_round: FiveSmallRound,
    client_for: ClientFor,
) -> None:
    earlier = five_small_round(personas["city_admin"], orgs["HH"], year=2025)
    won = result(personas["city_admin"], earlier, [courier], title="快递袋封口辅助器")
    FiveSmallResult.objects.filter(pk=won.pk).update(award="first")
    refused = client_for("courier_worker").post(
        reverse("innovation:five_small_submit", args=[city_round.pk]), _form(), headers=EN
    )
    assert refused.status_code == 400
    assert "already won an award in 2025" in refused.content.decode()
    assert FiveSmallResult.objects.count() == 1


def test_r14_staff_open_judging_lock_and_publish_the_awards(
    personas: dict[str, User],
    orgs: dict[str, Org],
    courier: Person,
    city_round: FiveSmallRound,
    client_for: ClientFor,
) -> None:
    entered = result(personas["courier_worker"], city_round, [courier])
    staff = client_for("city_admin")
    round_url = reverse("innovation:five_small_round", args=[city_round.pk])
    staff.post(reverse("innovation:five_small_judging_open", args=[city_round.pk]))
    assert Panel.objects.count() == 0  # no pledge yet (R14)
    services.result_pledge(actor=personas["courier_chair"], result=entered)
    opened = staff.post(reverse("innovation:five_small_judging_open", args=[city_round.pk]))
    panel = Panel.objects.get()
    assert opened["Location"] == reverse("scoring:panel", args=[panel.pk])
    scoring.judge_add(actor=personas["city_admin"], panel=panel, user=personas["judge"])
    marks = {code: str(maximum) for code, _l, maximum in services.R14_CRITERIA}
    scoring.sheet_save(actor=personas["judge"], panel=panel, entry=panel.entries.get(), marks=marks)
    early = staff.post(reverse("innovation:five_small_award", args=[city_round.pk]))
    assert early["Location"] == round_url
    scoring.results_lock(actor=personas["city_admin"], panel=panel)
    staff.post(reverse("innovation:five_small_award", args=[city_round.pk]))
    city_round.refresh_from_db()
    entered.refresh_from_db()
    assert city_round.state == RoundState.AWARDED and entered.award == "first"
    page = client_for("courier_worker").get(
        reverse("innovation:five_small_result", args=[entered.pk])
    )
    assert 'data-testid="award"' in page.content.decode()
    # the winners are listed, without names, to whoever sees the round (西山 too)
    listed = client_for("xishan_staff").get(round_url).content.decode()
    assert 'data-testid="winners"' in listed and entered.title in listed
    assert "周骑手" not in listed


def test_r14_other_district_and_workers_cannot_reach_others_results(
    personas: dict[str, User],
    orgs: dict[str, Org],
    courier: Person,
    city_round: FiveSmallRound,
    client_for: ClientFor,
) -> None:
    entered = result(personas["courier_worker"], city_round, [courier])
    url = reverse("innovation:five_small_result", args=[entered.pk])
    assert client_for("xishan_staff").get(url).status_code == 404
    assert client_for("factory_chair").get(url).status_code == 404
    assert client_for("donghu_staff").get(url).status_code == 200
    assert (
        client_for("factory_chair")
        .post(reverse("innovation:five_small_pledge", args=[entered.pk]), {"pledge": "on"})
        .status_code
        == 404
    )
    assert (
        client_for("donghu_staff")
        .post(reverse("innovation:five_small_judging_open", args=[city_round.pk]))
        .status_code
        == 404
    )  # 东湖 does not run the city's round


def test_r14_round_page_queries_do_not_grow_with_results(
    personas: dict[str, User],
    orgs: dict[str, Org],
    city_round: FiveSmallRound,
    client_for: ClientFor,
) -> None:
    client = client_for("city_admin")
    url = reverse("innovation:five_small_round", args=[city_round.pk])

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    person = worker(orgs["HH-DH-JD1-001"], "林海峰")
    result(personas["factory_chair"], city_round, [person], title="成果一")
    few = queries()
    for n in range(6):
        result(personas["factory_chair"], city_round, [person], title=f"成果{n + 2}")
    assert queries() == few
