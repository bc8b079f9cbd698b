"""Every write of judging (R18, R19): rubrics, panels, judges, entries, score sheets, and the
lock and publication of results. The arithmetic is `scoring.engine`'s; these functions check,
store and audit. Programs (competitions, proposals…) call them; scoring imports none of them."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal, InvalidOperation

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.core.models import Org, User
from gonghui.core.permissions import Perm
from gonghui.core.scoping import actor_can
from gonghui.core.services import audit_record
from gonghui.scoring import engine
from gonghui.scoring.models import (
    Entry,
    JudgeRole,
    Panel,
    PanelJudge,
    PanelState,
    Result,
    Rubric,
    RubricCriterion,
    RubricPart,
    ScoreSheet,
    SheetRevision,
)


def _require(actor: User, perm: Perm, org: Org) -> None:
    if not actor_can(actor, perm, org):
        raise PermissionDenied


def _locked(panel: Panel) -> Panel:
    return Panel.objects.select_for_update(of=("self",)).select_related("org").get(pk=panel.pk)


def _still_open(panel: Panel) -> None:
    if panel.state != PanelState.OPEN:
        raise ValidationError(
            _("The results are locked: nothing on this panel changes now."), code="locked"
        )


# --- Set-up -------------------------------------------------------------------------------------


@transaction.atomic
def rubric_create(*, actor: User, org: Org, name: str, parts: Sequence[engine.Part]) -> Rubric:
    """A rubric as the engine accepts it (R18: part weights sum to 1, positive maxima and
    weights, criterion codes unique), stored; refused with every fault named otherwise."""
    _require(actor, Perm.SCORE_MANAGE, org)
    try:
        engine.Rubric(parts=tuple(parts))
    except engine.RubricError as exc:
        raise ValidationError(list(exc.problems), code="rubric") from exc
    rubric = Rubric.objects.create(org=org, name=name[:200], created_by=actor)
    for p_index, part in enumerate(parts):
        stored = RubricPart.objects.create(
            rubric=rubric, position=p_index, code=part.code, label=part.label, weight=part.weight
        )
        for c_index, c in enumerate(part.criteria):
            RubricCriterion.objects.create(
                rubric=rubric,
                part=stored,
                position=c_index,
                code=c.code,
                label=c.label,
                maximum=c.maximum,
                weight=c.weight,
            )
    audit_record(actor=actor, action="scoring.rubric_create", org=org, obj=rubric)
    return rubric


def _check_chain(rubric: engine.Rubric, tie_breaks: Sequence[engine.TieBreak]) -> None:
    known = {p.code for p in rubric.parts} | {engine.TIME_TAKEN}
    unknown = sorted({tb.metric for tb in tie_breaks} - known)
    if unknown:
        raise ValidationError(
            _("The tie-break chain names what this rubric does not score: %(names)s.")
            % {"names": ", ".join(unknown)},
            code="tie_break",
        )


@transaction.atomic
def panel_create(
    *,
    actor: User,
    program: str,
    subject: models.Model,
    org: Org,
    title: str,
    rubric: Rubric,
    aggregation: engine.Aggregation = engine.Aggregation.TRIMMED_MEAN,
    tie_breaks: Sequence[engine.TieBreak] = engine.R18_TIE_BREAKS,
    prize_table: Sequence[engine.PrizeTier] = engine.DEFAULT_PRIZE_TABLE,
    tie_policy: engine.TiePolicy = engine.TiePolicy.DEMOTE,
    award_merit: bool = True,
    merit_limit: int | None = None,
    double_entry: bool = False,
) -> Panel:
    """A panel judging `subject` for `program`, with its declared aggregation, tie-break chain
    (R18 default: higher practical, then less time) and prize table (R19 default 1/2/3)."""
    _require(actor, Perm.SCORE_MANAGE, org)
    _check_chain(rubric.to_engine(), tie_breaks)
    names = [t.name for t in prize_table]
    if len(set(names)) != len(names) or any(t.count < 0 for t in prize_table):
        raise ValidationError(
            _("Prize tiers need distinct names and counts of zero or more."), code="prize_table"
        )
    content_type = ContentType.objects.get_for_model(subject)
    if Panel.objects.filter(
        program=program, content_type=content_type, object_id=str(subject.pk)
    ).exists():
        raise ValidationError(_("This is judged by a panel already."), code="duplicate")
    panel = Panel.objects.create(
        program=program,
        content_type=content_type,
        object_id=str(subject.pk),
        title=title[:200],
        org=org,
        rubric=rubric,
        aggregation=aggregation.value,
        tie_breaks=[{"metric": tb.metric, "prefer": tb.prefer.value} for tb in tie_breaks],
        prize_table=[{"name": t.name, "count": t.count} for t in prize_table],
        tie_policy=tie_policy.value,
        award_merit=award_merit,
        merit_limit=merit_limit,
        double_entry=double_entry,
        created_by=actor,
    )
    audit_record(
        actor=actor,
        action="scoring.panel_create",
        org=org,
        obj=panel,
        after={"program": program, "aggregation": panel.aggregation},
    )
    return panel


@transaction.atomic
def judge_add(
    *,
    actor: User,
    panel: Panel,
    user: User,
    employer_key: str = "",
    conflict_declared: bool = False,
    conflict_note: str = "",
    role: JudgeRole = JudgeRole.JUDGE,
    weight: Decimal = Decimal(1),
    criteria: Iterable[str] = (),
) -> PanelJudge:
    """Puts `user` on the panel with their employer and any declared conflict (R18: both
    recuse them from the entrants concerned). A judge must hold the judge role at or above
    the panel's org; `criteria` limits what they mark (empty: the whole rubric)."""
    panel = _locked(panel)
    _require(actor, Perm.SCORE_MANAGE, panel.org)
    _still_open(panel)
    if role == JudgeRole.JUDGE and not actor_can(user, Perm.SCORE_ENTER, panel.org):
        raise ValidationError(
            _("%(user)s holds no judge role for this organisation.") % {"user": user},
            code="not_a_judge",
        )
    if PanelJudge.objects.filter(panel=panel, user=user).exists():
        raise ValidationError(_("%(user)s is on this panel already.") % {"user": user})
    codes = sorted(set(criteria))
    unknown = sorted(set(codes) - {c.code for c in panel.rubric.to_engine().criteria})
    if unknown:
        raise ValidationError(
            _("Not on this rubric: %(codes)s.") % {"codes": ", ".join(unknown)}, code="criteria"
        )
    if weight <= 0:
        raise ValidationError(_("A judge's weight must be above zero."), code="weight")
    judge = PanelJudge.objects.create(
        panel=panel,
        user=user,
        role=role,
        employer_key=employer_key.strip(),
        conflict_declared=conflict_declared,
        conflict_note=conflict_note.strip(),
        weight=weight,
        criteria=codes,
    )
    audit_record(
        actor=actor,
        action="scoring.judge_add",
        org=panel.org,
        obj=judge,
        after={"user": user.username, "role": role, "conflict_declared": conflict_declared},
        reason=judge.conflict_note,
    )
    return judge


@transaction.atomic
def entry_add(
    *,
    actor: User,
    panel: Panel,
    label: str,
    subject: models.Model | None = None,
    employer_keys: Iterable[str] = (),
    time_taken: int | None = None,
    position: int | None = None,
) -> Entry:
    """An entrant (a person or a team) with the employers of its members, for recusal (R18),
    and optionally its place in the judges' list (a work station)."""
    panel = _locked(panel)
    _require(actor, Perm.SCORE_MANAGE, panel.org)
    _still_open(panel)
    entry = Entry(
        panel=panel,
        label=label[:200],
        employer_keys=sorted({k.strip() for k in employer_keys if k.strip()}),
        time_taken=time_taken,
        position=position,
    )
    if subject is not None:
        entry.content_type = ContentType.objects.get_for_model(subject)
        entry.object_id = str(subject.pk)
        if Entry.objects.filter(
            panel=panel, content_type=entry.content_type, object_id=entry.object_id
        ).exists():
            raise ValidationError(_("This entrant is on the panel already."), code="duplicate")
    entry.save()
    audit_record(actor=actor, action="scoring.entry_add", org=panel.org, obj=entry)
    return entry


@transaction.atomic
def entry_time_record(*, actor: User, entry: Entry, seconds: int) -> Entry:
    """The time an entrant took, a tie-break of R18 (less is better)."""
    panel = _locked(entry.panel)
    _require(actor, Perm.SCORE_MANAGE, panel.org)
    _still_open(panel)
    if seconds < 0:
        raise ValidationError(_("Time taken cannot be negative."), code="time_taken")
    before = entry.time_taken
    entry.time_taken = seconds
    entry.save(update_fields=["time_taken"])
    audit_record(
        actor=actor,
        action="scoring.entry_time_record",
        org=panel.org,
        obj=entry,
        before={"time_taken": before},
        after={"time_taken": seconds},
    )
    return entry


# --- Marking ------------------------------------------------------------------------------------


def is_recused(judge: PanelJudge, entry: Entry) -> bool:
    """R18: same employer as any member of the entry, or a declared conflict."""
    return engine.judge_is_recused(
        judge_employer=judge.employer_key or None,
        entrant_employers=entry.employer_keys,
        conflict_declared=judge.conflict_declared,
    )


def _problem_message(problem: engine.Problem, rubric: engine.Rubric, mark: object) -> str:
    """The problem as a judge reads it: the criterion by its label, as the sheet shows it."""
    labels = {c.code: c.label for c in rubric.criteria}
    values = {"criterion": labels.get(problem.criterion, problem.criterion), "mark": mark}
    if problem.code is engine.ProblemCode.ABOVE_MAXIMUM:
        maximum = next(c.maximum for c in rubric.criteria if c.code == problem.criterion)
        return _("%(criterion)s: %(mark)s is above the maximum of %(maximum)s.") % {
            **values,
            "maximum": format(maximum.normalize(), "f"),  # 100, not 100.00
        }
    messages = {
        engine.ProblemCode.MISSING: _("%(criterion)s: no mark given."),
        engine.ProblemCode.NOT_DECIMAL: _("%(criterion)s: %(mark)s is not a number."),
        engine.ProblemCode.NEGATIVE: _("%(criterion)s: a mark cannot be below zero."),
        engine.ProblemCode.TOO_PRECISE: _("%(criterion)s: at most two decimal places."),
        engine.ProblemCode.UNKNOWN_CRITERION: _("%(criterion)s: not on this panel's score sheet."),
    }
    return messages[problem.code] % values


def _parse(marks: Mapping[str, object]) -> dict[str, object]:
    """Form and API input arrive as strings; floats stay floats so the engine refuses them."""
    parsed: dict[str, object] = {}
    for code, value in marks.items():
        if isinstance(value, str):
            try:
                parsed[code] = Decimal(value.strip())
            except InvalidOperation:
                parsed[code] = value
        else:
            parsed[code] = value
    return parsed


@transaction.atomic
def sheet_save(
    *,
    actor: User,
    panel: Panel,
    entry: Entry,
    marks: Mapping[str, object],
    second_entry: bool = False,
) -> ScoreSheet:
    """The actor's own marks for one entrant, or (double entry) the second typing of the same
    paper sheet. Refused, with the reason: on a locked panel; from anyone who is not a judge
    of the panel; from a judge recused from this entrant (R18); marks not a number, below zero,
    above a criterion's maximum, over two places, or for criteria the judge does not mark.
    Saving the first entry again clears the second, which must then be typed again."""
    panel = _locked(panel)
    _still_open(panel)
    judge = PanelJudge.objects.filter(panel=panel, user=actor, role=JudgeRole.JUDGE).first()
    if judge is None or not actor_can(actor, Perm.SCORE_ENTER, panel.org):
        raise PermissionDenied(_("You are not a judge of this panel."))
    if entry.panel_id != panel.pk:
        raise ValidationError(_("This entrant is not on this panel."), code="entry")
    if is_recused(judge, entry):
        raise ValidationError(
            _("You are recused from %(entrant)s (same employer or a declared conflict).")
            % {"entrant": entry.label},
            code="recused",
        )
    rubric = panel.rubric.to_engine()
    given = _parse(marks)
    mine = set(judge.criteria) or {c.code for c in rubric.criteria}
    problems = engine.validate_marks(rubric, given, complete=False)
    problems += [
        engine.Problem(code, engine.ProblemCode.MISSING, code) for code in sorted(mine - set(given))
    ]
    problems += [
        engine.Problem(code, engine.ProblemCode.UNKNOWN_CRITERION, code)
        for code in sorted(set(given) - mine)
        if code in {c.code for c in rubric.criteria}
    ]
    if problems:
        raise ValidationError(
            [
                ValidationError(
                    _problem_message(p, rubric, given.get(p.criterion)), code=p.code.value
                )
                for p in problems
            ]
        )
    stored = {code: str(value) for code, value in sorted(given.items())}
    sheet = ScoreSheet.objects.filter(judge=judge, entry=entry).first()
    now = timezone.now()
    if second_entry:
        if not panel.double_entry:
            raise ValidationError(
                _("This panel does not take sheets twice."), code="no_double_entry"
            )
        if sheet is None:
            raise ValidationError(
                _("Type the first entry of this sheet before the second."), code="no_first"
            )
        sheet.second_marks, sheet.second_entered_by, sheet.second_entered_at = stored, actor, now
    elif sheet is None:
        sheet = ScoreSheet(panel=panel, judge=judge, entry=entry)
    if not second_entry:
        sheet.marks, sheet.entered_by, sheet.entered_at = stored, actor, now
        sheet.second_marks = sheet.second_entered_by = sheet.second_entered_at = None
    sheet.save()
    SheetRevision.objects.create(sheet=sheet, actor=actor, second_entry=second_entry, marks=stored)
    audit_record(
        actor=actor,
        action="scoring.sheet_save",
        org=panel.org,
        obj=sheet,
        after={"marks": stored, "second_entry": second_entry},
    )
    return sheet


# --- Results ------------------------------------------------------------------------------------


def _sheets_by_entry(
    panel: Panel, judges: Sequence[PanelJudge]
) -> dict[int, dict[int, ScoreSheet]]:
    found: dict[int, dict[int, ScoreSheet]] = {}
    for sheet in ScoreSheet.objects.filter(panel=panel, judge__in=judges):
        found.setdefault(sheet.entry_id, {})[sheet.judge_id] = sheet
    return found


@transaction.atomic
def results_lock(*, actor: User, panel: Panel) -> list[Result]:
    """Computes every entrant's score from the sheets of the judges not recused from it
    (R18), ranks them by the declared tie-break chain, allocates the prize table and merit
    awards (R19), writes the results and locks the panel: nothing changes after. Refused,
    naming each gap, while a sheet is missing, double entries disagree, an entrant has no
    judge left, or a time taken the chain needs is missing."""
    panel = _locked(panel)
    _require(actor, Perm.SCORE_MANAGE, panel.org)
    _still_open(panel)
    rubric = panel.rubric.to_engine()
    judges = list(panel.judges.filter(role=JudgeRole.JUDGE).select_related("user"))
    entries = list(panel.entries.order_by("pk"))
    if not entries:
        raise ValidationError(_("The panel has no entrants."), code="empty")
    sheets = _sheets_by_entry(panel, judges)
    needs_time = any(tb["metric"] == engine.TIME_TAKEN for tb in panel.tie_breaks)
    gaps: list[ValidationError] = []
    marks: dict[int, dict[int, Mapping[str, Decimal]]] = {}
    for entry in entries:
        counted = [j for j in judges if not is_recused(j, entry)]
        if not counted:
            gaps.append(
                ValidationError(
                    _("%(entrant)s: every judge is recused.") % {"entrant": entry.label},
                    code="all_recused",
                )
            )
        if needs_time and entry.time_taken is None:
            gaps.append(
                ValidationError(
                    _("%(entrant)s: time taken not recorded.") % {"entrant": entry.label},
                    code="time_missing",
                )
            )
        marks[entry.pk] = {}
        for judge in counted:
            sheet = sheets.get(entry.pk, {}).get(judge.pk)
            values = {"entrant": entry.label, "judge": judge.user}
            if sheet is None:
                gaps.append(
                    ValidationError(
                        _("%(entrant)s: no sheet from %(judge)s.") % values, code="missing_sheet"
                    )
                )
            elif panel.double_entry and not sheet.entries_agree:
                gaps.append(
                    ValidationError(
                        _("%(entrant)s: the two entries of %(judge)s's sheet do not agree.")
                        % values,
                        code="entries_disagree",
                    )
                )
            else:
                marks[entry.pk][judge.pk] = sheet.decimal_marks()
    if gaps:
        raise ValidationError(gaps)
    weights = {j.pk: j.weight for j in judges}
    method = engine.Aggregation(panel.aggregation)
    scores: dict[int, engine.Score] = {}
    unmarked: list[str] = []
    for entry in entries:
        try:
            scores[entry.pk] = engine.entrant_score(
                rubric, marks[entry.pk], method=method, judge_weights=weights
            )
        except engine.ScoringError as exc:
            unmarked += [f"{entry.label}: {p.criterion}" for p in exc.problems]
    if unmarked:
        raise ValidationError(
            _("Criteria nobody marked: %(gaps)s.") % {"gaps": "; ".join(unmarked)},
            code="unmarked",
        )
    placings = engine.rank_entries(
        [
            engine.entry_from_score(
                entry.pk,
                scores[entry.pk],
                time_taken=None if entry.time_taken is None else Decimal(entry.time_taken),
            )
            for entry in entries
        ],
        tie_breaks=panel.engine_tie_breaks(),
    )
    allocation = engine.allocate_prizes(
        placings, panel.engine_prize_table(), policy=engine.TiePolicy(panel.tie_policy)
    )
    merit = (
        set(engine.merit_awards(placings, prizes=allocation.awards, count=panel.merit_limit))
        if panel.award_merit
        else set()
    )
    by_pk = {entry.pk: entry for entry in entries}
    results = [
        Result(
            panel=panel,
            entry=by_pk[int(p.entry.key)],
            total=scores[int(p.entry.key)].total,
            part_scores={k: str(v) for k, v in scores[int(p.entry.key)].parts.items()},
            rank=p.rank,
            prize_tier=allocation.awards.get(p.entry.key, ""),
            merit=p.entry.key in merit,
        )
        for p in placings
    ]
    Result.objects.bulk_create(results)
    panel.state = PanelState.LOCKED
    panel.locked_by = actor
    panel.locked_at = timezone.now()
    panel.save(update_fields=["state", "locked_by", "locked_at"])
    audit_record(
        actor=actor,
        action="scoring.results_lock",
        org=panel.org,
        obj=panel,
        after={
            "entries": len(results),
            "prizes": {str(k): v for k, v in allocation.awards.items()},
            "vacancies": dict(allocation.vacancies),
        },
    )
    return results


@transaction.atomic
def results_publish(*, actor: User, panel: Panel) -> Panel:
    """R19: the locked results are published together, never one by one."""
    panel = _locked(panel)
    _require(actor, Perm.SCORE_MANAGE, panel.org)
    if panel.state == PanelState.OPEN:
        raise ValidationError(_("Lock the results before publishing them."), code="not_locked")
    if panel.state == PanelState.PUBLISHED:
        raise ValidationError(_("These results are published already."), code="published")
    panel.state = PanelState.PUBLISHED
    panel.published_by = actor
    panel.published_at = timezone.now()
    panel.save(update_fields=["state", "published_by", "published_at"])
    audit_record(actor=actor, action="scoring.results_publish", org=panel.org, obj=panel)
    return panel
