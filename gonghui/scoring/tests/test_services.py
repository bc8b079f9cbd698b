"""R18 recusal, aggregation and tie-breaks, and R19 prizes, merit and publication all at once,
through the services and the database: a panel of three judges marking six entrants."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from gonghui.core.models import AuditEntry, Org, User
from gonghui.core.services import role_grant
from gonghui.scoring import engine, services
from gonghui.scoring.models import Entry, Panel, PanelJudge, PanelState, Result, Rubric

pytestmark = pytest.mark.django_db

D = Decimal

# Entrant → (paper, safety, quality), the same from every judge unless given per judge.
# Totals with theory 30% and practical 70%: B and A tie at 86.00, B has the higher practical.
MARKS: dict[str, tuple[int, int, int] | list[tuple[int, int, int]]] = {
    "A": (100, 20, 60),  # theory 100, practical 80 → 86.00; judge 1 recused (same employer)
    "B": (65, 20, 75),  # theory 65, practical 95 → 86.00
    "C": [(80, 10, 60), (80, 15, 70), (80, 20, 80)],  # trimmed mean keeps 80, 15, 70 → 83.50
    "D": (70, 15, 65),  # 77.00
    "E": (60, 10, 60),  # 67.00
    "F": (50, 10, 50),  # 57.00
}


def _user(username: str, orgs: dict[str, Org]) -> User:
    user = User.objects.create(username=username, display_name=username)
    role_grant(actor=None, user=user, role="judge", org=orgs["HH"])
    return user


def _rubric(actor: User, org: Org) -> Rubric:
    return services.rubric_create(
        actor=actor,
        org=org,
        name="管道工技能",
        parts=[
            engine.Part(
                "theory", "理论", D("0.3"), (engine.Criterion("paper", "理论试卷", D(100)),)
            ),
            engine.Part(
                "practical",
                "实操",
                D("0.7"),
                (
                    engine.Criterion("safety", "安全文明", D(20)),
                    engine.Criterion("quality", "操作质量", D(80)),
                ),
            ),
        ],
    )


class Contest:
    """A panel with three judges (employers E1–E3) and six entrants; A works at E1."""

    def __init__(
        self, personas: dict[str, User], orgs: dict[str, Org], **panel_options: object
    ) -> None:
        self.admin = personas["city_admin"]
        self.judges = [personas["judge"], personas["judge2"], personas["judge3"]]
        self.panel = services.panel_create(
            actor=self.admin,
            program="test.contest",
            subject=orgs["HH-DH"],
            org=orgs["HH"],
            title="东湖区管道工技能竞赛",
            rubric=_rubric(self.admin, orgs["HH"]),
            **panel_options,  # type: ignore[arg-type]  # the test passes typed options through
        )
        for index, user in enumerate(self.judges, 1):
            services.judge_add(
                actor=self.admin, panel=self.panel, user=user, employer_key=f"E{index}"
            )
        self.entries = {
            label: services.entry_add(
                actor=self.admin,
                panel=self.panel,
                label=label,
                employer_keys=["E1"] if label == "A" else [f"X{label}"],
                time_taken=3000,
            )
            for label in MARKS
        }

    def marks_of(self, label: str, judge_index: int) -> dict[str, str]:
        given = MARKS[label]
        paper, safety, quality = given[judge_index] if isinstance(given, list) else given
        return {"paper": str(paper), "safety": str(safety), "quality": str(quality)}

    def mark_all(self, *, second_entry: bool = False, skip: tuple[str, int] | None = None) -> None:
        for label, entry in self.entries.items():
            for index, judge in enumerate(self.judges):
                if (label == "A" and index == 0) or (label, index) == skip:
                    continue  # judge 1 is recused from A
                services.sheet_save(
                    actor=judge,
                    panel=self.panel,
                    entry=entry,
                    marks=self.marks_of(label, index),
                    second_entry=second_entry,
                )

    def results(self) -> dict[str, Result]:
        return {r.entry.label: r for r in Result.objects.filter(panel=self.panel)}


@pytest.fixture
def contest(personas: dict[str, User], orgs: dict[str, Org]) -> Contest:
    return Contest(personas, orgs)


def _codes(exc: pytest.ExceptionInfo[ValidationError]) -> list[str | None]:
    return [error.code for error in exc.value.error_list]


def test_r18_stored_rubric_round_trips_to_the_engine(contest: Contest) -> None:
    rubric = contest.panel.rubric.to_engine()
    assert [p.code for p in rubric.parts] == ["theory", "practical"]
    assert rubric.part("practical").weight == D("0.7")
    assert [(c.code, c.maximum) for c in rubric.criteria] == [
        ("paper", D(100)),
        ("safety", D(20)),
        ("quality", D(80)),
    ]


def test_r18_rubric_whose_weights_do_not_sum_to_one_is_refused(
    personas: dict[str, User], orgs: dict[str, Org]
) -> None:
    part = engine.Part("theory", "理论", D("0.5"), (engine.Criterion("paper", "试卷", D(100)),))
    with pytest.raises(ValidationError):
        services.rubric_create(actor=personas["city_admin"], org=orgs["HH"], name="x", parts=[part])
    assert not Rubric.objects.exists()


def test_r18_full_panel_ranks_with_recusal_trimmed_mean_and_practical_tie_break(
    contest: Contest,
) -> None:
    contest.mark_all()
    services.results_lock(actor=contest.admin, panel=contest.panel)
    results = contest.results()
    assert {k: (r.total, r.rank) for k, r in results.items()} == {
        "B": (D("86.00"), 1),
        "A": (D("86.00"), 2),  # same total, lower practical
        "C": (D("83.50"), 3),  # trimmed mean: the middle judge's marks
        "D": (D("77.00"), 4),
        "E": (D("67.00"), 5),
        "F": (D("57.00"), 6),
    }
    assert results["A"].part_scores == {"theory": "100.00", "practical": "80.00"}


def test_r19_lock_allocates_the_1_2_3_prize_table(contest: Contest) -> None:
    contest.mark_all()
    services.results_lock(actor=contest.admin, panel=contest.panel)
    prizes = {k: r.prize_tier for k, r in contest.results().items()}
    assert prizes == {
        "B": "first",
        "A": "second",
        "C": "second",
        "D": "third",
        "E": "third",
        "F": "third",
    }
    contest.panel.refresh_from_db()
    assert contest.panel.state == PanelState.LOCKED
    assert contest.panel.locked_at is not None


def test_r19_merit_goes_to_the_top_half_without_a_prize(
    personas: dict[str, User], orgs: dict[str, Org]
) -> None:
    c = Contest(
        personas,
        orgs,
        prize_table=(engine.PrizeTier("first", 1), engine.PrizeTier("second", 1)),
    )
    c.mark_all()
    services.results_lock(actor=c.admin, panel=c.panel)
    results = c.results()
    assert [k for k, r in results.items() if r.merit] == ["C"]  # rank 3 of 6: top half
    assert not results["D"].merit  # rank 4 of 6 is not
    assert (results["B"].prize_tier, results["A"].prize_tier) == ("first", "second")


def test_r18_mark_above_the_maximum_is_refused(contest: Contest) -> None:
    with pytest.raises(ValidationError) as exc:
        services.sheet_save(
            actor=contest.judges[1],
            panel=contest.panel,
            entry=contest.entries["B"],
            marks={"paper": "90", "safety": "21", "quality": "70.001"},
        )
    assert _codes(exc) == ["above_maximum", "too_precise"]
    assert not contest.panel.sheets.exists()


def test_r18_marks_for_a_criterion_left_out_are_refused(contest: Contest) -> None:
    with pytest.raises(ValidationError) as exc:
        services.sheet_save(
            actor=contest.judges[1],
            panel=contest.panel,
            entry=contest.entries["B"],
            marks={"paper": "90", "safety": "x", "extra": "1"},
        )
    assert sorted(c or "" for c in _codes(exc)) == ["missing", "not_decimal", "unknown_criterion"]


def test_r18_judge_sharing_the_entrants_employer_is_refused(contest: Contest) -> None:
    with pytest.raises(ValidationError) as exc:
        services.sheet_save(
            actor=contest.judges[0],
            panel=contest.panel,
            entry=contest.entries["A"],
            marks=contest.marks_of("A", 0),
        )
    assert _codes(exc) == ["recused"]
    assert not contest.panel.sheets.exists()


def test_r18_judge_who_declared_a_conflict_is_refused_and_not_awaited(
    personas: dict[str, User], orgs: dict[str, Org], contest: Contest
) -> None:
    fourth = _user("judge4", orgs)
    judge = services.judge_add(
        actor=contest.admin,
        panel=contest.panel,
        user=fourth,
        conflict_declared=True,
        conflict_note="师徒关系",
    )
    assert PanelJudge.objects.get(pk=judge.pk).conflict_note == "师徒关系"
    with pytest.raises(ValidationError) as exc:
        services.sheet_save(
            actor=fourth,
            panel=contest.panel,
            entry=contest.entries["B"],
            marks=contest.marks_of("B", 1),
        )
    assert _codes(exc) == ["recused"]
    contest.mark_all()
    services.results_lock(actor=contest.admin, panel=contest.panel)  # no sheet awaited from them
    assert contest.results()["B"].rank == 1


def test_r18_someone_not_on_the_panel_cannot_enter_marks(
    personas: dict[str, User], contest: Contest
) -> None:
    for outsider in (personas["city_admin"], personas["courier_worker"]):
        with pytest.raises(PermissionDenied):
            services.sheet_save(
                actor=outsider,
                panel=contest.panel,
                entry=contest.entries["B"],
                marks=contest.marks_of("B", 1),
            )
    assert not contest.panel.sheets.exists()


def test_r18_a_user_without_the_judge_role_cannot_join_as_judge(
    personas: dict[str, User], contest: Contest
) -> None:
    with pytest.raises(ValidationError) as exc:
        services.judge_add(
            actor=contest.admin, panel=contest.panel, user=personas["courier_worker"]
        )
    assert _codes(exc) == ["not_a_judge"]


def test_r18_only_score_managers_set_up_panels(personas: dict[str, User], contest: Contest) -> None:
    with pytest.raises(PermissionDenied):
        services.entry_add(actor=contest.judges[0], panel=contest.panel, label="G")
    with pytest.raises(PermissionDenied):
        services.results_lock(actor=contest.judges[0], panel=contest.panel)


def test_r18_lock_refuses_while_a_sheet_is_missing(contest: Contest) -> None:
    contest.mark_all(skip=("D", 2))
    with pytest.raises(ValidationError) as exc:
        services.results_lock(actor=contest.admin, panel=contest.panel)
    assert _codes(exc) == ["missing_sheet"]
    contest.panel.refresh_from_db()
    assert contest.panel.state == PanelState.OPEN
    assert not Result.objects.exists()


def test_r18_resaving_a_sheet_replaces_it_and_keeps_the_trail(contest: Contest) -> None:
    args = {"actor": contest.judges[1], "panel": contest.panel, "entry": contest.entries["B"]}
    services.sheet_save(**args, marks=contest.marks_of("B", 1))  # type: ignore[arg-type]
    sheet = services.sheet_save(**args, marks={"paper": "1", "safety": "2", "quality": "3"})  # type: ignore[arg-type]
    assert contest.panel.sheets.count() == 1
    assert sheet.marks == {"paper": "1", "quality": "3", "safety": "2"}
    assert [r.marks["paper"] for r in sheet.revisions.all()] == ["65", "1"]
    assert AuditEntry.objects.filter(action="scoring.sheet_save").count() == 2


def test_r19_publish_releases_all_results_together(contest: Contest) -> None:
    with pytest.raises(ValidationError) as exc:
        services.results_publish(actor=contest.admin, panel=contest.panel)
    assert _codes(exc) == ["not_locked"]
    contest.mark_all()
    services.results_lock(actor=contest.admin, panel=contest.panel)
    panel = services.results_publish(actor=contest.admin, panel=contest.panel)
    assert panel.state == PanelState.PUBLISHED
    assert panel.published_at is not None
    assert Result.objects.filter(panel=panel).count() == 6
    with pytest.raises(ValidationError):
        services.results_publish(actor=contest.admin, panel=contest.panel)


def test_r19_nothing_changes_after_lock(contest: Contest) -> None:
    contest.mark_all()
    services.results_lock(actor=contest.admin, panel=contest.panel)
    before = contest.panel.sheets.get(judge__user=contest.judges[1], entry__label="B").marks
    with pytest.raises(ValidationError) as exc:
        services.sheet_save(
            actor=contest.judges[1],
            panel=contest.panel,
            entry=contest.entries["B"],
            marks={"paper": "0", "safety": "0", "quality": "0"},
        )
    assert _codes(exc) == ["locked"]
    with pytest.raises(ValidationError) as exc:
        services.results_lock(actor=contest.admin, panel=contest.panel)
    assert _codes(exc) == ["locked"]
    with pytest.raises(ValidationError):
        services.entry_add(actor=contest.admin, panel=contest.panel, label="G")
    assert contest.panel.sheets.get(judge__user=contest.judges[1], entry__label="B").marks == before
    assert Result.objects.filter(panel=contest.panel).count() == 6
    assert not Entry.objects.filter(label="G").exists()


def test_r18_double_entries_that_disagree_block_the_lock(
    personas: dict[str, User], orgs: dict[str, Org]
) -> None:
    c = Contest(personas, orgs, double_entry=True)
    c.mark_all()
    c.mark_all(second_entry=True)
    services.sheet_save(
        actor=c.judges[2],
        panel=c.panel,
        entry=c.entries["E"],
        marks={"paper": "60", "safety": "10", "quality": "66"},  # typed 66 for 60
        second_entry=True,
    )
    with pytest.raises(ValidationError) as exc:
        services.results_lock(actor=c.admin, panel=c.panel)
    assert _codes(exc) == ["entries_disagree"]
    services.sheet_save(
        actor=c.judges[2],
        panel=c.panel,
        entry=c.entries["E"],
        marks={"paper": "60.0", "safety": "10", "quality": "60"},  # 60.0 agrees with 60
        second_entry=True,
    )
    services.results_lock(actor=c.admin, panel=c.panel)
    assert c.results()["E"].total == D("67.00")


def test_r18_a_second_entry_needs_double_entry_and_a_first(contest: Contest) -> None:
    with pytest.raises(ValidationError) as exc:
        services.sheet_save(
            actor=contest.judges[1],
            panel=contest.panel,
            entry=contest.entries["B"],
            marks=contest.marks_of("B", 1),
            second_entry=True,
        )
    assert _codes(exc) == ["no_double_entry"]


def test_r18_retyping_the_first_entry_clears_the_second(
    personas: dict[str, User], orgs: dict[str, Org]
) -> None:
    c = Contest(personas, orgs, double_entry=True)
    args = {"actor": c.judges[1], "panel": c.panel, "entry": c.entries["B"]}
    services.sheet_save(**args, marks=c.marks_of("B", 1))  # type: ignore[arg-type]
    sheet = services.sheet_save(**args, marks=c.marks_of("B", 1), second_entry=True)  # type: ignore[arg-type]
    assert sheet.entries_agree
    sheet = services.sheet_save(**args, marks=c.marks_of("B", 1))  # type: ignore[arg-type]
    assert sheet.second_marks is None and not sheet.entries_agree


def test_r18_time_taken_breaks_a_tie_left_by_the_practical_part(
    personas: dict[str, User], orgs: dict[str, Org]
) -> None:
    c = Contest(personas, orgs)
    services.entry_time_record(actor=c.admin, entry=c.entries["E"], seconds=3600)
    faster = services.entry_add(
        actor=c.admin, panel=c.panel, label="E2", employer_keys=["X"], time_taken=2400
    )
    for index, judge in enumerate(c.judges):
        services.sheet_save(actor=judge, panel=c.panel, entry=faster, marks=c.marks_of("E", index))
    c.mark_all()
    services.results_lock(actor=c.admin, panel=c.panel)
    results = {r.entry.label: r.rank for r in Result.objects.filter(panel=c.panel)}
    assert (results["E2"], results["E"]) == (5, 6)


def test_panel_is_one_per_subject_and_program(contest: Contest, orgs: dict[str, Org]) -> None:
    with pytest.raises(ValidationError):
        services.panel_create(
            actor=contest.admin,
            program="test.contest",
            subject=orgs["HH-DH"],
            org=orgs["HH"],
            title="again",
            rubric=contest.panel.rubric,
        )
    assert Panel.objects.count() == 1
