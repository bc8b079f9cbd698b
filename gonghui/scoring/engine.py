"""The pure core of judging (R18, R19): rubrics, validation of a judge's marks, aggregation of
judges' marks, recusal, totals, ranking with a declared tie-break chain, and prize allocation.

No Django and no I/O: models and services feed plain values in and store what comes out. Marks,
weights and scores are `Decimal`, never float. Every result is a function of the *set* of inputs,
never of the order they were given in: values are sorted before they are summed, and entrants
that tie on everything are listed by key."""

from __future__ import annotations

from collections.abc import Container, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import (
    ROUND_HALF_EVEN,
    ROUND_HALF_UP,
    Context,
    Decimal,
    DivisionByZero,
    InvalidOperation,
    Overflow,
    localcontext,
)
from enum import StrEnum
from itertools import groupby
from typing import TypeVar

Key = int | str
"""An entrant, judge or employer id: a database pk or a code."""
K = TypeVar("K", bound=Key)  # the same, so that a dict keyed by int or by str is accepted

THEORY = "theory"
PRACTICAL = "practical"
TIME_TAKEN = "time_taken"
R18_THEORY_WEIGHT = Decimal("0.30")
TRIM_MINIMUM = 3  # judges needed before the highest and lowest mark can be dropped
MARK_PLACES = 2  # a mark may be given to 0.01 (half and quarter marks are common)
HUNDRED = Decimal(100)
CENT = Decimal("0.01")
# Arithmetic does not depend on whatever context the caller set: 34 digits hold any sum of
# two-place marks exactly, so only the one division per mean can round.
_ARITHMETIC = Context(
    prec=34, rounding=ROUND_HALF_EVEN, traps=[InvalidOperation, DivisionByZero, Overflow]
)


def _is_decimal(value: object) -> bool:
    return isinstance(value, Decimal) and value.is_finite()


def _positive(value: object) -> bool:
    return isinstance(value, Decimal) and value.is_finite() and value > 0


def _round(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP, context=_ARITHMETIC)


def _key_order(key: Key) -> tuple[bool, Key]:
    """Sorts ids deterministically, ints before strings (never compares an int with a str)."""
    return (isinstance(key, str), key)


# --- Rubric -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Criterion:
    """One line of a score sheet. Its weight multiplies its marks within the part (default 1:
    marks simply add up, as on a sheet whose maxima already say what each line is worth)."""

    code: str
    label: str
    maximum: Decimal
    weight: Decimal = Decimal(1)


@dataclass(frozen=True)
class Part:
    """A group of criteria scored on a 100 scale (theory, practical, …) and its weight in the
    total."""

    code: str
    label: str
    weight: Decimal
    criteria: tuple[Criterion, ...]


class RubricError(ValueError):
    def __init__(self, problems: Sequence[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = tuple(problems)


@dataclass(frozen=True)
class Rubric:
    """Parts whose weights sum to exactly 1; criterion codes unique across the whole rubric
    (a sheet maps code → mark). An invalid rubric cannot be built: RubricError names each fault."""

    parts: tuple[Part, ...]

    def __post_init__(self) -> None:
        problems = _rubric_problems(self.parts)
        if problems:
            raise RubricError(problems)

    @property
    def criteria(self) -> tuple[Criterion, ...]:
        return tuple(c for part in self.parts for c in part.criteria)

    def part(self, code: str) -> Part:
        for part in self.parts:
            if part.code == code:
                return part
        raise KeyError(code)


def _rubric_problems(parts: tuple[Part, ...]) -> list[str]:
    problems: list[str] = []
    if not parts:
        return ["A rubric needs at least one part."]
    part_codes = [p.code for p in parts]
    codes = [c.code for p in parts for c in p.criteria]
    for code in sorted({c for c in part_codes if part_codes.count(c) > 1}):
        problems.append(f"Part code {code!r} is used twice.")
    for code in sorted({c for c in codes if codes.count(c) > 1}):
        problems.append(f"Criterion code {code!r} is used twice.")
    for part in parts:
        if not part.code:
            problems.append("A part has no code.")
        if not _positive(part.weight) or not part.weight <= 1:
            problems.append(f"Part {part.code!r}: weight must be a Decimal in (0, 1].")
        if not part.criteria:
            problems.append(f"Part {part.code!r} has no criteria.")
        for c in part.criteria:
            if not c.code:
                problems.append(f"Part {part.code!r}: a criterion has no code.")
            if not _positive(c.maximum):
                problems.append(f"Criterion {c.code!r}: maximum must be a positive Decimal.")
            if not _positive(c.weight):
                problems.append(f"Criterion {c.code!r}: weight must be a positive Decimal.")
    if all(_is_decimal(p.weight) for p in parts):
        total = sum((p.weight for p in parts), Decimal(0))
        if total != 1:
            problems.append(f"Part weights sum to {total}, not 1.")
    return problems


def r18_rubric(
    *,
    theory: Iterable[Criterion],
    practical: Iterable[Criterion],
    theory_weight: Decimal = R18_THEORY_WEIGHT,
) -> Rubric:
    """R18: total = theory × 30% + practical × 70%, unless the contest sets its own weights."""
    return Rubric(
        parts=(
            Part(THEORY, "Theory", theory_weight, tuple(theory)),
            Part(PRACTICAL, "Practical", 1 - theory_weight, tuple(practical)),
        )
    )


# --- A judge's marks ------------------------------------------------------------------------------


class ProblemCode(StrEnum):
    UNKNOWN_CRITERION = "unknown_criterion"
    MISSING = "missing"
    NOT_DECIMAL = "not_decimal"
    NEGATIVE = "negative"
    ABOVE_MAXIMUM = "above_maximum"
    TOO_PRECISE = "too_precise"


@dataclass(frozen=True)
class Problem:
    """A named fault in marks; `code` is stable (pages translate it), `message` is for logs."""

    criterion: str
    code: ProblemCode
    message: str
    judge: Key | None = None


def _decimal_places(value: Decimal) -> int:
    if value == 0:
        return 0
    _sign, digits, exponent = value.as_tuple()
    assert isinstance(exponent, int)  # finite: checked by the caller
    trailing_zeros = len(digits) - len("".join(map(str, digits)).rstrip("0"))
    return max(0, -exponent - trailing_zeros)


def validate_marks(
    rubric: Rubric, marks: Mapping[str, object], *, complete: bool = True
) -> list[Problem]:
    """Every fault in one judge's sheet, in rubric order then unknown codes: a mark must be a
    finite Decimal (a float is refused, never converted), 0 ≤ mark ≤ the criterion's maximum,
    with at most two decimal places. With `complete`, every criterion must be marked. An empty
    list means the sheet is valid."""
    problems: list[Problem] = []
    for c in rubric.criteria:
        if c.code not in marks:
            if complete:
                problems.append(Problem(c.code, ProblemCode.MISSING, f"{c.code}: no mark."))
            continue
        mark = marks[c.code]
        if not isinstance(mark, Decimal) or not mark.is_finite():
            problems.append(
                Problem(c.code, ProblemCode.NOT_DECIMAL, f"{c.code}: {mark!r} is not a Decimal.")
            )
        elif mark < 0:
            problems.append(Problem(c.code, ProblemCode.NEGATIVE, f"{c.code}: {mark} < 0."))
        elif mark > c.maximum:
            problems.append(
                Problem(
                    c.code,
                    ProblemCode.ABOVE_MAXIMUM,
                    f"{c.code}: {mark} is above the maximum {c.maximum}.",
                )
            )
        elif _decimal_places(mark) > MARK_PLACES:
            problems.append(
                Problem(c.code, ProblemCode.TOO_PRECISE, f"{c.code}: {mark} has over 2 places.")
            )
    known = {c.code for c in rubric.criteria}
    for code in sorted(set(marks) - known):
        problems.append(
            Problem(code, ProblemCode.UNKNOWN_CRITERION, f"{code}: not on this rubric.")
        )
    return problems


# --- Recusal and aggregation --------------------------------------------------------------------


def judge_is_recused(
    *,
    judge_employer: Key | None,
    entrant_employers: Iterable[Key | None],
    conflict_declared: bool,
) -> bool:
    """R18: a judge is recused from an entrant (or from a team, if they share any member's
    employer) when they share the employer, or when they declared a conflict. An unknown
    employer (None) matches nobody."""
    if conflict_declared:
        return True
    return judge_employer is not None and judge_employer in set(entrant_employers)


def mean(marks: Iterable[Decimal]) -> Decimal:
    """The arithmetic mean. ValueError when there are no marks."""
    values = sorted(marks)
    if not values:
        raise ValueError("No marks to aggregate.")
    with localcontext(_ARITHMETIC):
        return sum(values, Decimal(0)) / len(values)


def trimmed_mean(marks: Iterable[Decimal]) -> Decimal:
    """R18: the mean after dropping one highest and one lowest mark. With fewer than
    TRIM_MINIMUM (3) marks nothing is dropped and this is the plain mean: dropping two of two
    marks would leave nothing, and a panel of three with one judge recused must still score."""
    values = sorted(marks)
    if len(values) >= TRIM_MINIMUM:
        values = values[1:-1]
    return mean(values)


def weighted_sum(marks: Mapping[K, Decimal], weights: Mapping[K, Decimal]) -> Decimal:
    """Σ weight × mark over the judges who marked, with their weights rescaled to sum to 1
    (so a recused judge's share is spread over the others in proportion). Every judge who
    marked needs a positive weight: ValueError otherwise, or when there are no marks."""
    if not marks:
        raise ValueError("No marks to aggregate.")
    unweighted = sorted((k for k in marks if not _positive(weights.get(k))), key=_key_order)
    if unweighted:
        raise ValueError(f"Judges without a positive weight: {unweighted}.")
    with localcontext(_ARITHMETIC):
        products = sorted(weights[k] * m for k, m in marks.items())
        total_weight = sum(sorted(weights[k] for k in marks), Decimal(0))
        return sum(products, Decimal(0)) / total_weight


class Aggregation(StrEnum):
    MEAN = "mean"
    TRIMMED_MEAN = "trimmed_mean"
    WEIGHTED_SUM = "weighted_sum"


def aggregate(
    method: Aggregation,
    marks: Mapping[K, Decimal],
    *,
    judge_weights: Mapping[K, Decimal] | None = None,
) -> Decimal:
    """Several judges' marks ({judge: mark}) for one criterion, combined by `method`."""
    if method is Aggregation.WEIGHTED_SUM:
        if judge_weights is None:
            raise ValueError("A weighted sum needs judge weights.")
        return weighted_sum(marks, judge_weights)
    if method is Aggregation.TRIMMED_MEAN:
        return trimmed_mean(marks.values())
    return mean(marks.values())


# --- Scores -------------------------------------------------------------------------------------


def part_score(part: Part, marks: Mapping[str, Decimal]) -> Decimal:
    """A part on a 100 scale: 100 × Σ(weight × mark) / Σ(weight × maximum), rounded half up to
    2 places. `marks` are the aggregated marks per criterion; KeyError names a missing one."""
    with localcontext(_ARITHMETIC):
        got = sum(sorted(c.weight * marks[c.code] for c in part.criteria), Decimal(0))
        out_of = sum(sorted(c.weight * c.maximum for c in part.criteria), Decimal(0))
        return _round(HUNDRED * got / out_of)


def weighted_total(rubric: Rubric, part_scores: Mapping[str, Decimal]) -> Decimal:
    """R18: Σ part weight × part score, rounded half up to 2 places. Computed from the rounded
    part scores, as published, so anyone can check a total with a calculator."""
    with localcontext(_ARITHMETIC):
        terms = sorted(p.weight * part_scores[p.code] for p in rubric.parts)
        return _round(sum(terms, Decimal(0)))


@dataclass(frozen=True)
class Score:
    criteria: Mapping[str, Decimal]  # aggregated mark per criterion, unrounded
    parts: Mapping[str, Decimal]  # 0..100, 2 places
    total: Decimal  # 0..100, 2 places


class ScoringError(ValueError):
    def __init__(self, problems: Sequence[Problem]) -> None:
        super().__init__("; ".join(p.message for p in problems))
        self.problems = tuple(problems)


def entrant_score(
    rubric: Rubric,
    sheets: Mapping[K, Mapping[str, Decimal]],
    *,
    method: Aggregation,
    judge_weights: Mapping[K, Decimal] | None = None,
) -> Score:
    """An entrant's score from the sheets ({judge: {criterion: mark}}) of the judges who were
    not recused. A judge may mark only some criteria (theory may be one examiner's paper), but
    every criterion needs at least one mark. ScoringError lists every fault, per judge."""
    problems: list[Problem] = []
    for judge in sorted(sheets, key=_key_order):
        for p in validate_marks(rubric, sheets[judge], complete=False):
            problems.append(Problem(p.criterion, p.code, f"Judge {judge}: {p.message}", judge))
    per_criterion: dict[str, Decimal] = {}
    for c in rubric.criteria:
        given = {j: sheet[c.code] for j, sheet in sheets.items() if c.code in sheet}
        if not given:
            problems.append(Problem(c.code, ProblemCode.MISSING, f"{c.code}: no judge marked it."))
        elif not problems:
            per_criterion[c.code] = aggregate(method, given, judge_weights=judge_weights)
    if problems:
        raise ScoringError(problems)
    parts = {p.code: part_score(p, per_criterion) for p in rubric.parts}
    return Score(criteria=per_criterion, parts=parts, total=weighted_total(rubric, parts))


# --- Ranking ------------------------------------------------------------------------------------


class Prefer(StrEnum):
    HIGHER = "higher"
    LOWER = "lower"


@dataclass(frozen=True)
class TieBreak:
    metric: str
    prefer: Prefer


R18_TIE_BREAKS = (TieBreak(PRACTICAL, Prefer.HIGHER), TieBreak(TIME_TAKEN, Prefer.LOWER))


@dataclass(frozen=True)
class Entry:
    """What ranking sees of an entrant (a person or a team): the total and the metrics named by
    the tie-break chain (part scores, time taken in seconds, …)."""

    key: Key
    total: Decimal
    metrics: Mapping[str, Decimal] = field(default_factory=dict)


def entry_from_score(key: Key, score: Score, *, time_taken: Decimal | None = None) -> Entry:
    metrics = dict(score.parts)
    if time_taken is not None:
        metrics[TIME_TAKEN] = time_taken
    return Entry(key=key, total=score.total, metrics=metrics)


@dataclass(frozen=True)
class Placing:
    rank: int
    entry: Entry


def _standing(entry: Entry, tie_breaks: Sequence[TieBreak]) -> tuple[Decimal, ...]:
    """Smaller is better: the total and every HIGHER metric are negated (exactly)."""
    values = [entry.total.copy_negate()]
    for tb in tie_breaks:
        value = entry.metrics[tb.metric]
        values.append(value.copy_negate() if tb.prefer is Prefer.HIGHER else value)
    return tuple(values)


def rank_entries(
    entries: Iterable[Entry], *, tie_breaks: Sequence[TieBreak] = R18_TIE_BREAKS
) -> tuple[Placing, ...]:
    """Placings best first: by total, then each tie-break in order (R18 default: higher
    practical, then less time). Entrants share a rank only when the total and every tie-break
    are equal, and the next rank skips (1, 2, 2, 4); those sharing a rank are listed by key.
    Every entrant needs every metric of the chain: ValueError names the ones missing, and
    duplicate keys."""
    items = list(entries)
    keys = [e.key for e in items]
    duplicates = sorted({k for k in keys if keys.count(k) > 1}, key=_key_order)
    if duplicates:
        raise ValueError(f"Entrants given twice: {duplicates}.")
    faults = [
        f"{e.key}: {tb.metric}"
        for e in items
        for tb in tie_breaks
        if not _is_decimal(e.metrics.get(tb.metric))
    ]
    faults += [f"{e.key}: total" for e in items if not _is_decimal(e.total)]
    if faults:
        raise ValueError(f"Missing or non-Decimal values: {sorted(faults)}.")
    ordered = sorted(items, key=lambda e: (_standing(e, tie_breaks), _key_order(e.key)))
    placings: list[Placing] = []
    for position, entry in enumerate(ordered, start=1):
        rank = position
        if placings and _standing(placings[-1].entry, tie_breaks) == _standing(entry, tie_breaks):
            rank = placings[-1].rank
        placings.append(Placing(rank=rank, entry=entry))
    return tuple(placings)


def blend_public_vote(
    votes: Mapping[K, int], jury: Mapping[K, Decimal], *, public_weight: Decimal
) -> dict[K, Decimal]:
    """R22: the final score of each entrant = public_weight × the public vote on a 100 scale
    (votes ÷ the most votes anyone drew × 100) + (1 − public_weight) × the jury's score, to
    two places. The public vote never decides alone: public_weight is at least 0 and below
    1 (ValueError otherwise), and every entrant needs a jury score."""
    if not Decimal(0) <= public_weight < Decimal(1):
        raise ValueError("The public vote's weight is at least 0 and below 1.")
    missing = sorted((k for k in votes if k not in jury), key=_key_order)
    if missing:
        raise ValueError(f"No jury score for: {missing}.")
    most = max(votes.values(), default=0)
    with localcontext(_ARITHMETIC):
        return {
            key: _round(
                public_weight * (Decimal(votes.get(key, 0)) * 100 / most if most else Decimal(0))
                + (1 - public_weight) * jury[key]
            )
            for key in jury
        }


# --- Prizes -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PrizeTier:
    name: str
    count: int


DEFAULT_PRIZE_TABLE = (PrizeTier("first", 1), PrizeTier("second", 2), PrizeTier("third", 3))


class TiePolicy(StrEnum):
    DEMOTE = "demote"  # a tie that won't fit moves down whole until a tier has room, else none
    STOP = "stop"  # a tie that won't fit gets nothing, nor does anyone ranked below it


@dataclass(frozen=True)
class Allocation:
    awards: Mapping[Key, str]  # entrant → tier name, best first
    vacancies: Mapping[str, int]  # tier name → places left unfilled (only tiers with any)


def _groups(placings: Iterable[Placing]) -> list[list[Placing]]:
    ordered = sorted(placings, key=lambda p: (p.rank, _key_order(p.entry.key)))
    keys = [p.entry.key for p in ordered]
    if len(set(keys)) != len(keys):
        raise ValueError("An entrant is placed twice.")
    return [list(group) for _rank, group in groupby(ordered, key=lambda p: p.rank)]


def allocate_prizes(
    placings: Iterable[Placing],
    table: Sequence[PrizeTier] = DEFAULT_PRIZE_TABLE,
    *,
    policy: TiePolicy = TiePolicy.DEMOTE,
) -> Allocation:
    """R19: prize tiers by count, best tier first (any table), in rank order. No tier ever gets
    more than its count, tied entrants always get the same tier (or none), and nobody gets a
    better tier than someone ranked above them. A tie group that does not fit in what is left
    of a tier never gets that tier: under DEMOTE (default) it moves down whole to the first
    tier with room for all of it, leaving the places above vacant, or gets nothing when no tier
    has room; under STOP it and everyone below get nothing."""
    names = [t.name for t in table]
    if len(set(names)) != len(names) or any(
        isinstance(t.count, bool) or not isinstance(t.count, int) or t.count < 0 for t in table
    ):
        raise ValueError("Prize tiers need distinct names and counts ≥ 0.")
    used = [0] * len(table)
    awards: dict[Key, str] = {}
    tier = 0
    for group in _groups(placings):
        while tier < len(table) and used[tier] == table[tier].count:
            tier += 1
        if policy is TiePolicy.DEMOTE:
            while tier < len(table) and used[tier] + len(group) > table[tier].count:
                tier += 1
        if tier == len(table) or used[tier] + len(group) > table[tier].count:
            break  # below this group nobody may outrank it with a prize
        used[tier] += len(group)
        for p in group:
            awards[p.entry.key] = table[tier].name
    vacancies = {t.name: t.count - n for t, n in zip(table, used, strict=True) if t.count > n}
    return Allocation(awards=awards, vacancies=vacancies)


MERIT = "merit"


def merit_eligible(*, rank: int, entrant_count: int) -> bool:
    """R19: a merit award (优胜奖) needs a rank within the top half of entrants, i.e.
    rank ≤ entrants / 2 exactly (12 of 25, not 13). Tied entrants share their rank, so a tie
    is eligible or not as a whole."""
    return rank >= 1 and 2 * rank <= entrant_count


def merit_awards(
    placings: Iterable[Placing], *, prizes: Container[Key], count: int | None = None
) -> tuple[Key, ...]:
    """R19: merit awards, best first, to entrants without a prize whose rank is within the top
    half of all entrants (prize winners included in the count). `count` caps them (None: all
    eligible); a tie group that would exceed the cap gets none, nor does anyone below it."""
    groups = _groups(placings)
    entrant_count = sum(len(g) for g in groups)
    chosen: list[Key] = []
    for group in groups:
        if not merit_eligible(rank=group[0].rank, entrant_count=entrant_count):
            break
        keys = [p.entry.key for p in group if p.entry.key not in prizes]
        if count is not None and len(chosen) + len(keys) > count:
            break
        chosen += keys
    return tuple(chosen)
