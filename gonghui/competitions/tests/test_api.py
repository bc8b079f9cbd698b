"""The contests API through HTTP: the contests an actor sees, published results in rank order
(R19: not before publication), the subtree's figures, and a judge's sheet from a tablet app
refused as the page refuses it (R18: above a maximum, recused)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client

from gonghui.competitions import appeals, services
from gonghui.competitions.models import Contest
from gonghui.competitions.tests.factories import ended, judged, open_contest, registration_closed
from gonghui.core.models import Org, User
from gonghui.orgs.models import Enterprise
from gonghui.orgs.tests.factories import member
from gonghui.scoring import engine
from gonghui.scoring import services as scoring
from gonghui.scoring.models import ScoreSheet

pytestmark = pytest.mark.django_db

FACTORY = "HH-DH-JD1-001"


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def contest(personas: dict[str, User], orgs: dict[str, Org]) -> Contest:
    contest = open_contest(
        personas["donghu_staff"],
        orgs["HH-DH"],
        title="东湖区电工技能竞赛",
        job=("electrician", "电工"),
        prizes=[engine.PrizeTier("first", 1)],
    )
    for name in ("吴电工", "郑电工"):
        person = member(orgs[FACTORY], name, job_type="电工").person
        services.registration_submit(
            actor=personas["factory_chair"], contest=contest, people=[person]
        )
    return contest


def test_contests_lists_what_the_actor_sees(personas: dict[str, User], contest: Contest) -> None:
    mine = _client(personas["courier_worker"]).get("/api/v1/contests").json()
    assert [(c["title"], c["state"], c["job_types"]) for c in mine] == [
        ("东湖区电工技能竞赛", "open", ["电工"])
    ]
    assert _client(personas["xishan_staff"]).get("/api/v1/contests").json() == []


def test_results_are_served_once_published_in_rank_order(
    personas: dict[str, User], contest: Contest
) -> None:
    marks = {"吴电工": (80, 85), "郑电工": (90, 95)}
    judged(personas["donghu_staff"], personas["judge"], contest, marks)
    url = f"/api/v1/contests/{contest.pk}/results"
    worker_view = _client(personas["factory_chair"])
    assert worker_view.get(url).status_code == 404  # locked, not published (R19)
    assert len(_client(personas["donghu_staff"]).get(url).json()) == 2  # staff see it locked
    ended(contest, dt.timedelta(hours=3))
    appeals.contest_results_publish(actor=personas["donghu_staff"], contest=contest)
    rows = worker_view.get(url).json()
    assert [(r["rank"], r["people"], r["prize"], Decimal(r["total"])) for r in rows] == [
        (1, ["郑电工"], "first", Decimal("93.50")),
        (2, ["吴电工"], "", Decimal("83.50")),
    ]


def test_figures_count_the_subtree(personas: dict[str, User], contest: Contest) -> None:
    figures = _client(personas["city_admin"]).get("/api/v1/contests/figures").json()
    assert [(f["org"], f["contests"], f["units"], f["participant_times"]) for f in figures] == [
        ("淮河市总工会", 1, 1, 2)
    ]
    assert _client(personas["factory_chair"]).get("/api/v1/contests/figures").status_code == 404


def test_a_judge_saves_a_sheet_and_refusals_come_back_as_422(
    personas: dict[str, User], orgs: dict[str, Org], contest: Contest
) -> None:
    firm = Enterprise.objects.create(
        name="淮河东湖精密机械有限公司",
        credit_code="91340100MA2T000010",
        ownership="private",
        union=orgs[FACTORY],
    )
    panel = services.contest_panel_open(
        actor=personas["donghu_staff"], contest=registration_closed(contest)
    )
    scoring.judge_add(actor=personas["donghu_staff"], panel=panel, user=personas["judge"])
    scoring.judge_add(
        actor=personas["donghu_staff"],
        panel=panel,
        user=personas["judge3"],
        employer_key=str(firm.pk),
    )
    entry = panel.entries.get(label="吴电工")
    entry.employer_keys = [str(firm.pk)]
    entry.save(update_fields=["employer_keys"])
    url = f"/api/v1/scoring/panels/{panel.pk}/entries/{entry.pk}/sheet"
    judge = _client(personas["judge"])
    over = judge.put(
        url,
        {"marks": {"theory_paper": "101", "practical_task": "80"}},
        content_type="application/json",
    )
    assert over.status_code == 422
    assert "101" in over.json()["detail"][0]
    saved = judge.put(
        url,
        {"marks": {"theory_paper": "91", "practical_task": "80"}},
        content_type="application/json",
    )
    assert saved.json()["marks"] == {"practical_task": "80", "theory_paper": "91"}
    recused = _client(personas["judge3"]).put(
        url,
        {"marks": {"theory_paper": "91", "practical_task": "80"}},
        content_type="application/json",
    )
    assert recused.status_code == 422
    assert ScoreSheet.objects.count() == 1
    outsider = _client(personas["city_admin"]).put(
        url, {"marks": {}}, content_type="application/json"
    )
    assert outsider.status_code == 404
