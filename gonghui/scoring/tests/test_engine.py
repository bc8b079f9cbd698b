"""R18 marks, recusal, aggregation, totals and tie-breaks; R19 prizes and merit awards: examples
first, then properties that must hold for any input (hypothesis). No database."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from itertools import pairwise

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gonghui.scoring.engine import (
    DEFAULT_PRIZE_TABLE,
    PRACTICAL,
    R18_TIE_BREAKS,
    THEORY,
    TIME_TAKEN,
    Aggregation,
    Criterion,
    Entry,
    Key,
    Part,
    Placing,
    Prefer,
    PrizeTier,
    ProblemCode,
    Rubric,
    RubricError,
    ScoringError,
    TieBreak,
    TiePolicy,
    aggregate,
    allocate_prizes,
    entrant_score,
    entry_from_score,
    judge_is_recused,
    mean,
    merit_awards,
    merit_eligible,
    part_score,
    r18_rubric,
    rank_entries,
    trimmed_mean,
    validate_marks,
    weighted_sum,
)

D = Decimal
PROPERTY = settings(max_examples=200, deadline=None)


def _rubric() -> Rubric:
    """A plumbers' contest: one theory paper, three practical lines worth 100 together."""
    return r18_rubric(
        theory=[Criterion("paper", "Written paper", D(100))],
        practical=[
            Criterion("safety", "Safe working", D(10)),
            Criterion("craft", "Workmanship", D(30)),
            Criterion("function", "Works as specified", D(60)),
        ],
    )


def _entry(key: Key, total: str, practical: str = "0", time: str = "0") -> Entry:
    return Entry(key, D(total), {PRACTICAL: D(practical), TIME_TAKEN: D(time)})


def _ranks(placings: Sequence[Placing]) -> dict[Key, int]:
    return {p.entry.key: p.rank for p in placings}


# --- Rubric and marks ---------------------------------------------------------------------------


def test_r18_default_rubric_weighs_theory_30_and_practical_70() -> None:
    rubric = _rubric()
    assert rubric.part(THEORY).weight == D("0.30")
    assert rubric.part(PRACTICAL).weight == D("0.70")


def test_r18_contest_may_set_its_own_part_weights() -> None:
    rubric = r18_rubric(
        theory=[Criterion("a", "", D(10))],
        practical=[Criterion("b", "", D(10))],
        theory_weight=D("0.4"),
    )
    assert rubric.part(PRACTICAL).weight == D("0.6")


def test_r18_rubric_refuses_weights_not_summing_to_one_and_names_every_fault() -> None:
    with pytest.raises(RubricError) as caught:
        Rubric(
            (
                Part(THEORY, "", D("0.3"), (Criterion("a", "", D(10)),)),
                Part(PRACTICAL, "", D("0.6"), (Criterion("a", "", D(0)),)),
            )
        )
    assert caught.value.problems == (
        "Criterion code 'a' is used twice.",
        "Criterion 'a': maximum must be a positive Decimal.",
        "Part weights sum to 0.9, not 1.",
    )


def test_r18_rubric_refuses_float_weights() -> None:
    with pytest.raises(RubricError, match="weight must be a Decimal"):
        Rubric((Part(THEORY, "", 1.0, (Criterion("a", "", D(10)),)),))  # type: ignore[arg-type]  # the point


def test_r18_marks_above_the_maximum_are_named() -> None:
    marks = {"paper": D(101), "safety": D(-1), "craft": D("30.125"), "function": D(60)}
    problems = validate_marks(_rubric(), marks)
    assert [(p.criterion, p.code) for p in problems] == [
        ("paper", ProblemCode.ABOVE_MAXIMUM),
        ("safety", ProblemCode.NEGATIVE),
        ("craft", ProblemCode.ABOVE_MAXIMUM),
    ]
    assert problems[0].message == "paper: 101 is above the maximum 100."


def test_r18_a_float_mark_is_refused_never_converted() -> None:
    problems = validate_marks(_rubric(), {"paper": 80.5, "safety": D("NaN")}, complete=False)
    assert [(p.criterion, p.code) for p in problems] == [
        ("paper", ProblemCode.NOT_DECIMAL),
        ("safety", ProblemCode.NOT_DECIMAL),
    ]


def test_r18_missing_unknown_and_too_precise_marks_are_named() -> None:
    problems = validate_marks(_rubric(), {"paper": D("88.125"), "craft": D("29.50"), "zz": D(1)})
    assert [(p.criterion, p.code) for p in problems] == [
        ("paper", ProblemCode.TOO_PRECISE),
        ("safety", ProblemCode.MISSING),
        ("function", ProblemCode.MISSING),
        ("zz", ProblemCode.UNKNOWN_CRITERION),
    ]


def test_r18_a_full_valid_sheet_has_no_problems() -> None:
    marks = {"paper": D("88.5"), "safety": D(10), "craft": D("29.25"), "function": D(0)}
    assert validate_marks(_rubric(), marks) == []


# --- Recusal and aggregation --------------------------------------------------------------------


def test_r18_judge_sharing_the_entrants_employer_is_recused() -> None:
    assert judge_is_recused(judge_employer=7, entrant_employers=[7], conflict_declared=False)
    assert not judge_is_recused(judge_employer=7, entrant_employers=[8], conflict_declared=False)


def test_r18_judge_sharing_any_team_members_employer_is_recused() -> None:
    assert judge_is_recused(judge_employer=7, entrant_employers=[8, 7], conflict_declared=False)


def test_r18_judge_who_declared_a_conflict_is_recused() -> None:
    assert judge_is_recused(judge_employer=None, entrant_employers=[8], conflict_declared=True)


def test_r18_an_unknown_employer_matches_nobody() -> None:
    assert not judge_is_recused(
        judge_employer=None, entrant_employers=[None], conflict_declared=False
    )


def test_r18_trimmed_mean_drops_one_highest_and_one_lowest() -> None:
    assert trimmed_mean([D(7), D(10), D(8), D(9)]) == D("8.5")
    assert trimmed_mean([D(5), D(5), D(9)]) == D(5)  # one of the two lowest goes, not both


def test_r18_trimmed_mean_of_fewer_than_three_marks_is_the_plain_mean() -> None:
    assert trimmed_mean([D(6), D(9)]) == D("7.5")
    assert trimmed_mean([D(6)]) == D(6)


def test_no_marks_cannot_be_aggregated() -> None:
    with pytest.raises(ValueError, match="No marks"):
        mean([])


def test_weighted_sum_rescales_weights_over_the_judges_who_marked() -> None:
    weights = {"chief": D("0.5"), "a": D("0.25"), "b": D("0.25")}
    assert weighted_sum({"chief": D(8), "a": D(6), "b": D(10)}, weights) == D(8)
    assert weighted_sum({"chief": D(9), "a": D(6)}, weights) == D(8)  # b recused: 2/3 and 1/3


def test_weighted_sum_needs_a_positive_weight_for_every_judge() -> None:
    with pytest.raises(ValueError, match=r"\['b'\]"):
        weighted_sum({"a": D(8), "b": D(6)}, {"a": D(1)})
    with pytest.raises(ValueError, match="judge weights"):
        aggregate(Aggregation.WEIGHTED_SUM, {"a": D(8)})


# --- Scores -------------------------------------------------------------------------------------


def test_r18_part_score_is_on_a_100_scale_with_criterion_weights() -> None:
    part = Part("p", "", D(1), (Criterion("a", "", D(10)), Criterion("b", "", D(10), D(3))))
    assert part_score(part, {"a": D(10), "b": D(5)}) == D("62.50")  # (10 + 15) / 40


def test_r18_total_is_30_theory_70_practical_rounded_half_up() -> None:
    sheet = {"paper": D("85.55"), "safety": D(10), "craft": D(25), "function": D(55)}
    score = entrant_score(_rubric(), {1: sheet}, method=Aggregation.MEAN)
    assert score.parts == {THEORY: D("85.55"), PRACTICAL: D("90.00")}
    assert score.total == D("88.67")  # 25.665 + 63 = 88.665: half up, where half-even gives .66


def test_r18_three_judge_panel_with_one_recused_scores_from_the_other_two() -> None:
    sheets = {
        "wang": {"paper": D(80), "safety": D(8), "craft": D(20), "function": D(50)},
        "li": {"safety": D(10), "craft": D(26), "function": D(54)},
    }
    score = entrant_score(_rubric(), sheets, method=Aggregation.TRIMMED_MEAN)
    assert score.criteria == {"paper": D(80), "safety": D(9), "craft": D(23), "function": D(52)}
    assert score.parts[PRACTICAL] == D("84.00")
    assert score.total == D("82.80")


def test_entrant_score_names_every_fault_of_every_judge() -> None:
    sheets = {"li": {"paper": D(101), "safety": D(8)}, "wang": {"craft": D(31)}}
    with pytest.raises(ScoringError) as caught:
        entrant_score(_rubric(), sheets, method=Aggregation.MEAN)
    assert [(p.judge, p.criterion, p.code) for p in caught.value.problems] == [
        ("li", "paper", ProblemCode.ABOVE_MAXIMUM),
        ("wang", "craft", ProblemCode.ABOVE_MAXIMUM),
        (None, "function", ProblemCode.MISSING),
    ]


# --- Ranking ------------------------------------------------------------------------------------


def test_r18_a_tie_on_total_goes_to_the_higher_practical_score() -> None:
    placings = rank_entries([_entry("a", "90", "88"), _entry("b", "90", "91")])
    assert _ranks(placings) == {"b": 1, "a": 2}


def test_r18_a_tie_on_total_and_practical_goes_to_less_time_taken() -> None:
    placings = rank_entries([_entry("a", "90", "88", "3000"), _entry("b", "90", "88", "2950")])
    assert _ranks(placings) == {"b": 1, "a": 2}


def test_r18_a_tie_on_everything_shares_the_rank_and_the_next_rank_skips() -> None:
    entries = [
        _entry("c", "90", "88", "3000"),
        _entry("a", "95"),
        _entry("b", "90.00", "88.0", "3000"),
        _entry("d", "80"),
    ]
    placings = rank_entries(entries)
    assert [(p.entry.key, p.rank) for p in placings] == [("a", 1), ("b", 2), ("c", 2), ("d", 4)]


def test_a_declared_chain_replaces_the_default() -> None:
    entries = [
        Entry("a", D(90), {THEORY: D(70), PRACTICAL: D(99)}),
        Entry("b", D(90), {THEORY: D(80), PRACTICAL: D(95)}),
    ]
    placings = rank_entries(entries, tie_breaks=[TieBreak(THEORY, Prefer.HIGHER)])
    assert _ranks(placings) == {"b": 1, "a": 2}


def test_ranking_needs_every_metric_of_the_chain_and_unique_entrants() -> None:
    with pytest.raises(ValueError, match=r"\['a: time_taken'\]"):
        rank_entries([Entry("a", D(90), {PRACTICAL: D(80)})])
    with pytest.raises(ValueError, match="twice"):
        rank_entries([_entry("a", "90"), _entry("a", "80")])


def test_entry_from_score_carries_parts_and_time() -> None:
    score = entrant_score(
        _rubric(),
        {1: {"paper": D(90), "safety": D(9), "craft": D(27), "function": D(54)}},
        method=Aggregation.MEAN,
    )
    entry = entry_from_score("team-1", score, time_taken=D(3540))
    assert entry.metrics == {THEORY: D("90.00"), PRACTICAL: D("90.00"), TIME_TAKEN: D(3540)}
    assert entry.total == D("90.00")


# --- Prizes -------------------------------------------------------------------------------------


def _placed(*ranks: int) -> list[Placing]:
    return [Placing(rank, Entry(f"e{i}", D(0))) for i, rank in enumerate(ranks, start=1)]


def test_r19_prizes_follow_the_table_one_first_two_second_three_third() -> None:
    allocation = allocate_prizes(_placed(1, 2, 3, 4, 5, 6, 7))
    assert list(allocation.awards.items()) == [
        ("e1", "first"),
        ("e2", "second"),
        ("e3", "second"),
        ("e4", "third"),
        ("e5", "third"),
        ("e6", "third"),
    ]
    assert allocation.vacancies == {}


def test_r19_a_tie_across_the_first_prize_boundary_takes_second_and_first_stays_vacant() -> None:
    allocation = allocate_prizes(_placed(1, 1, 3, 4))
    assert allocation.awards == {"e1": "second", "e2": "second", "e3": "third", "e4": "third"}
    assert allocation.vacancies == {"first": 1, "third": 1}


def test_r19_a_tie_that_fits_no_tier_gets_no_prize_nor_does_anyone_below() -> None:
    allocation = allocate_prizes(_placed(1, 2, 2, 4, 4, 4, 4, 8))
    assert allocation.awards == {"e1": "first", "e2": "second", "e3": "second"}
    assert allocation.vacancies == {"third": 3}


def test_r19_stop_policy_ends_the_allocation_at_a_tie_that_would_cross_a_boundary() -> None:
    allocation = allocate_prizes(_placed(1, 1, 3), policy=TiePolicy.STOP)
    assert allocation.awards == {}
    allocation = allocate_prizes(_placed(1, 2, 3, 3, 5), policy=TiePolicy.STOP)
    assert allocation.awards == {"e1": "first", "e2": "second"}


def test_r19_any_prize_table() -> None:
    table = [PrizeTier("gold", 0), PrizeTier("silver", 2)]
    assert allocate_prizes(_placed(1, 2, 3), table).awards == {"e1": "silver", "e2": "silver"}
    with pytest.raises(ValueError, match="distinct names"):
        allocate_prizes(_placed(1), [PrizeTier("a", 1), PrizeTier("a", 1)])


def test_r19_merit_needs_a_rank_within_the_top_half() -> None:
    assert merit_eligible(rank=12, entrant_count=25)
    assert not merit_eligible(rank=13, entrant_count=25)
    assert merit_eligible(rank=13, entrant_count=26)


def test_r19_merit_awards_skip_prize_winners_and_keep_ties_whole_under_a_cap() -> None:
    placings = _placed(*range(1, 11))  # ten entrants: ranks 1..5 are the top half
    prizes = allocate_prizes(placings, [PrizeTier("first", 1), PrizeTier("second", 1)]).awards
    assert merit_awards(placings, prizes=prizes) == ("e3", "e4", "e5")
    assert merit_awards(placings, prizes=prizes, count=2) == ("e3", "e4")
    tied = _placed(1, 2, 3, 3, 5, 6, 7, 8, 9, 10)
    assert merit_awards(tied, prizes={"e1": "first"}, count=2) == ("e2",)


def test_r18_r19_seed_contest_tie_broken_by_practical_then_prizes() -> None:
    """Two pairs level on total: the pair with the higher practical takes first prize."""
    rubric = _rubric()
    sheets: dict[str, dict[Key, dict[str, Decimal]]] = {
        "pair-a": {1: {"paper": D(97), "safety": D(8), "craft": D(24), "function": D(54)}},
        "pair-b": {1: {"paper": D(90), "safety": D(9), "craft": D(27), "function": D(53)}},
        "pair-c": {1: {"paper": D(60), "safety": D(5), "craft": D(20), "function": D(40)}},
    }
    entries = [
        entry_from_score(key, entrant_score(rubric, s, method=Aggregation.MEAN), time_taken=D(0))
        for key, s in sheets.items()
    ]
    assert {e.key: (e.total, e.metrics[PRACTICAL]) for e in entries} == {
        "pair-a": (D("89.30"), D("86.00")),  # 29.1 + 60.2
        "pair-b": (D("89.30"), D("89.00")),  # 27.0 + 62.3
        "pair-c": (D("63.50"), D("65.00")),
    }
    placings = rank_entries(entries)
    assert [(p.entry.key, p.rank) for p in placings] == [
        ("pair-b", 1),
        ("pair-a", 2),
        ("pair-c", 3),
    ]
    assert allocate_prizes(placings).awards == {
        "pair-b": "first",
        "pair-a": "second",
        "pair-c": "second",
    }


# --- Properties ---------------------------------------------------------------------------------

marks_2dp = st.integers(min_value=0, max_value=10_000).map(lambda n: D(n).scaleb(-2))


@st.composite
def rubrics(draw: st.DrawFn) -> Rubric:
    n_parts = draw(st.integers(1, 3))
    cuts = draw(st.lists(st.integers(1, 99), min_size=n_parts - 1, max_size=n_parts - 1))
    bounds = [0, *sorted(set(cuts)), 100]
    parts = []
    for i, (low, high) in enumerate(pairwise(bounds)):
        criteria = tuple(
            Criterion(
                f"p{i}c{j}",
                "",
                D(draw(st.integers(1, 100))),
                D(draw(st.integers(1, 5))),
            )
            for j in range(draw(st.integers(1, 4)))
        )
        parts.append(Part(f"p{i}", "", D(high - low) / 100, criteria))
    return Rubric(tuple(parts))


@st.composite
def marked(draw: st.DrawFn) -> tuple[Rubric, dict[Key, dict[str, Decimal]]]:
    rubric = draw(rubrics())
    judges = draw(st.integers(1, 5))
    sheets: dict[Key, dict[str, Decimal]] = {
        judge: {
            c.code: draw(st.integers(0, int(c.maximum) * 100).map(lambda n: D(n).scaleb(-2)))
            for c in rubric.criteria
        }
        for judge in range(judges)
    }
    return rubric, sheets


# Few distinct values, so that ties on the total and on each tie-break are common.
entries_st = st.lists(
    st.builds(
        _entry,
        st.integers(0, 10**6),
        st.sampled_from(["90", "90.00", "91", "89.5"]),
        st.sampled_from(["80", "85", "85.0"]),
        st.sampled_from(["3000", "3100"]),
    ),
    max_size=25,
    unique_by=lambda e: e.key,
)


def _standing(entry: Entry, chain: Sequence[TieBreak]) -> tuple[Decimal, ...]:
    sign = {Prefer.HIGHER: -1, Prefer.LOWER: 1}
    return (-entry.total, *(sign[tb.prefer] * entry.metrics[tb.metric] for tb in chain))


@PROPERTY
@given(data=st.data(), entries=entries_st)
def test_property_order_of_entry_never_changes_the_ranking(
    data: st.DataObject, entries: list[Entry]
) -> None:
    shuffled = data.draw(st.permutations(entries))
    assert rank_entries(shuffled) == rank_entries(entries)


@PROPERTY
@given(entries=entries_st, chain=st.sampled_from([R18_TIE_BREAKS, (), R18_TIE_BREAKS[::-1]]))
def test_property_ties_are_broken_exactly_as_declared(
    entries: list[Entry], chain: tuple[TieBreak, ...]
) -> None:
    placings = rank_entries(entries, tie_breaks=chain)
    assert sorted(p.entry.key for p in placings) == sorted(e.key for e in entries)
    for p in placings:
        better = [e for e in entries if _standing(e, chain) < _standing(p.entry, chain)]
        assert p.rank == 1 + len(better)
    for a, b in pairwise(placings):
        assert _standing(a.entry, chain) <= _standing(b.entry, chain)
        assert (a.rank == b.rank) == (_standing(a.entry, chain) == _standing(b.entry, chain))


tables = st.lists(
    st.builds(PrizeTier, st.sampled_from(["a", "b", "c", "d"]), st.integers(0, 4)),
    max_size=4,
    unique_by=lambda t: t.name,
)


@PROPERTY
@given(
    data=st.data(),
    entries=entries_st,
    table=tables,
    policy=st.sampled_from(TiePolicy),
    merit_cap=st.none() | st.integers(0, 6),
)
def test_property_prize_counts_are_never_exceeded_and_ties_share_a_tier(
    data: st.DataObject,
    entries: list[Entry],
    table: list[PrizeTier],
    policy: TiePolicy,
    merit_cap: int | None,
) -> None:
    placings = rank_entries(entries)
    allocation = allocate_prizes(placings, table, policy=policy)
    for tier in table:
        given_out = sum(1 for name in allocation.awards.values() if name == tier.name)
        assert given_out + allocation.vacancies.get(tier.name, 0) == tier.count
    order = {t.name: i for i, t in enumerate(table)}
    level = {
        p.entry.key: order.get(allocation.awards.get(p.entry.key, ""), len(table)) for p in placings
    }
    for a in placings:
        for b in placings:
            if a.rank == b.rank:
                assert level[a.entry.key] == level[b.entry.key]
            elif a.rank < b.rank:
                assert level[a.entry.key] <= level[b.entry.key]
    shuffled = data.draw(st.permutations(placings))
    assert allocate_prizes(shuffled, table, policy=policy) == allocation

    merit = merit_awards(placings, prizes=allocation.awards, count=merit_cap)
    assert merit_cap is None or len(merit) <= merit_cap
    rank_of = {p.entry.key: p.rank for p in placings}
    for key in merit:
        assert key not in allocation.awards
        assert 2 * rank_of[key] <= len(placings)


@PROPERTY
@given(marks=st.lists(marks_2dp, min_size=1, max_size=9))
def test_property_every_aggregate_lies_between_the_lowest_and_highest_mark(
    marks: list[Decimal],
) -> None:
    by_judge = dict(enumerate(marks))
    weights = {j: D(j % 3 + 1) for j in by_judge}
    for value in (
        mean(marks),
        trimmed_mean(marks),
        trimmed_mean(reversed(marks)),
        weighted_sum(by_judge, weights),
    ):
        assert min(marks) <= value <= max(marks)
    assert trimmed_mean(marks) == trimmed_mean(sorted(marks, reverse=True))


@PROPERTY
@given(case=marked(), method=st.sampled_from([Aggregation.MEAN, Aggregation.TRIMMED_MEAN]))
def test_property_totals_lie_within_0_and_100_whatever_the_order_of_sheets(
    case: tuple[Rubric, dict[Key, dict[str, Decimal]]], method: Aggregation
) -> None:
    rubric, sheets = case
    score = entrant_score(rubric, sheets, method=method)
    assert D(0) <= score.total <= D(100)
    assert score.total == score.total.quantize(D("0.01"))
    assert all(D(0) <= s <= D(100) for s in score.parts.values())
    backwards = {j: dict(reversed(s.items())) for j, s in reversed(sheets.items())}
    assert entrant_score(rubric, backwards, method=method) == score


def test_default_prize_table_is_the_r19_example() -> None:
    assert [(t.name, t.count) for t in DEFAULT_PRIZE_TABLE] == [
        ("first", 1),
        ("second", 2),
        ("third", 3),
    ]
