"""Locking a large panel's results (R18, R19): ENTRANTS entrants × JUDGES judges, read from
the sheets, scored, ranked, prizes allocated and written, against the baseline of the pure
engine doing the same arithmetic on the same marks held in memory (the floor: what the
database and the checks add). Also the judge's marking page for the same panel.
Targets at 500 × 5 (a city final is 50–200 entrants): lock < 2 s, the marking page < 500 ms,
the staff panel page < 1 s."""

from __future__ import annotations

import os
import random
import statistics
import time
from decimal import Decimal
from typing import TYPE_CHECKING

from django.contrib.contenttypes.models import ContentType
from django.test import Client

if TYPE_CHECKING:
    from gonghui.scoring.models import Panel

DATABASE = "sqlite"
ENTRANTS = int(os.environ.get("ENTRANTS", "500"))
JUDGES = int(os.environ.get("JUDGES", "5"))
PANELS = 3


def _panel(n: int) -> tuple[Panel, dict[int, dict[int, dict[str, Decimal]]]]:
    from gonghui.core.models import Org, User
    from gonghui.scoring import engine
    from gonghui.scoring import services as scoring
    from gonghui.scoring.models import Entry, PanelJudge, ScoreSheet

    admin = User.objects.get(username="city_admin")
    city = Org.objects.get(code="HH")
    rubric = scoring.rubric_create(
        actor=admin,
        org=city,
        name=f"bench {n}",
        parts=[
            engine.Part(
                "theory", "理论", Decimal("0.3"), (engine.Criterion("paper", "试卷", Decimal(100)),)
            ),
            engine.Part(
                "practical",
                "实操",
                Decimal("0.7"),
                (engine.Criterion("task", "实操任务", Decimal(100)),),
            ),
        ],
    )
    subject = Org.objects.order_by("pk")[n]  # one panel per subject and program
    panel = scoring.panel_create(
        actor=admin, program="bench", subject=subject, org=city, title=f"bench {n}", rubric=rubric
    )
    judges = []
    for j in range(JUDGES):
        user, _created = User.objects.get_or_create(username=f"bench_judge_{j}")
        if _created:
            from gonghui.core.services import role_grant

            role_grant(actor=None, user=user, role="judge", org=city)
        judges.append(PanelJudge.objects.create(panel=panel, user=user))
    ct = ContentType.objects.get_for_model(Org)
    entries = Entry.objects.bulk_create(
        Entry(
            panel=panel,
            label=f"选手{i}",
            content_type=ct,
            object_id=f"{n}-{i}",
            time_taken=3000 + i,
        )
        for i in range(ENTRANTS)
    )
    rng = random.Random(n)
    marks: dict[int, dict[int, dict[str, Decimal]]] = {}
    sheets = []
    for entry in entries:
        marks[entry.pk] = {}
        for judge in judges:
            given = {"paper": Decimal(rng.randint(50, 100)), "task": Decimal(rng.randint(50, 100))}
            marks[entry.pk][judge.pk] = given
            sheets.append(
                ScoreSheet(
                    panel=panel,
                    judge=judge,
                    entry=entry,
                    marks={k: str(v) for k, v in given.items()},
                    entered_by=judge.user,
                )
            )
    ScoreSheet.objects.bulk_create(sheets, batch_size=2000)
    return panel, marks


def _engine_only(panel: Panel, marks: dict[int, dict[int, dict[str, Decimal]]]) -> None:
    from gonghui.scoring import engine

    rubric = panel.rubric.to_engine()
    scores = {
        pk: engine.entrant_score(rubric, by_judge, method=engine.Aggregation.TRIMMED_MEAN)
        for pk, by_judge in marks.items()
    }
    placings = engine.rank_entries(
        [engine.entry_from_score(pk, s, time_taken=Decimal(3000)) for pk, s in scores.items()],
        tie_breaks=engine.R18_TIE_BREAKS,
    )
    engine.allocate_prizes(placings, engine.DEFAULT_PRIZE_TABLE)


def run() -> None:
    from gonghui.core.demo import city
    from gonghui.core.models import User
    from gonghui.scoring import services as scoring
    from gonghui.scoring.models import Entry, ScoreSheet

    city.load()
    admin = User.objects.get(username="city_admin")
    locks, floors, pages, staff_pages, selects = [], [], [], [], []
    for n in range(PANELS):
        panel, marks = _panel(n)
        began = time.perf_counter()
        _engine_only(panel, marks)
        floors.append(time.perf_counter() - began)
        client = Client()
        client.force_login(User.objects.get(username="bench_judge_0"))
        client.get(f"/scoring/panels/{panel.pk}/mark/", HTTP_HOST="127.0.0.1")  # warm up
        began = time.perf_counter()
        response = client.get(f"/scoring/panels/{panel.pk}/mark/", HTTP_HOST="127.0.0.1")
        pages.append(time.perf_counter() - began)
        assert response.status_code == 200
        staff = Client()
        staff.force_login(admin)
        staff.get(f"/scoring/panels/{panel.pk}/", HTTP_HOST="127.0.0.1")  # warm up
        began = time.perf_counter()
        response = staff.get(f"/scoring/panels/{panel.pk}/", HTTP_HOST="127.0.0.1")
        staff_pages.append(time.perf_counter() - began)
        assert response.status_code == 200
        began = time.perf_counter()
        list(Entry.objects.filter(panel=panel).values_list("pk", "label", "employer_keys"))
        list(ScoreSheet.objects.filter(panel=panel).values_list("entry_id", "judge_id", "marks"))
        selects.append(time.perf_counter() - began)
        began = time.perf_counter()
        scoring.results_lock(actor=admin, panel=panel)
        locks.append(time.perf_counter() - began)
    label = f"{ENTRANTS} entrants × {JUDGES} judges"
    print(f"results lock, {label}: median {statistics.median(locks) * 1000:.0f} ms")
    print(
        f"  baseline, the engine alone on the same marks: {statistics.median(floors) * 1000:.0f} ms"
    )
    print(f"marking page (a judge), {label}: median {statistics.median(pages) * 1000:.0f} ms")
    print(f"panel page (staff), {label}: median {statistics.median(staff_pages) * 1000:.0f} ms")
    print(
        "  baseline, a bare SELECT of the same entries and sheets: "
        f"{statistics.median(selects) * 1000:.0f} ms"
    )
