"""The contests API: the contests an actor sees, a contest's published results, the figures of
the actor's subtree, and a judge's score sheet from a tablet app (the same service and refusals
as the marking page: R18 recusal, maxima, a locked panel)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.http import Http404, HttpRequest
from ninja import Router, Schema

from gonghui.competitions import selectors
from gonghui.core.permissions import Perm
from gonghui.core.scoping import actor_can
from gonghui.scoring import selectors as scoring_selectors
from gonghui.scoring import services as scoring
from gonghui.scoring.models import PanelState

router = Router(tags=["competitions"])


class ContestOut(Schema):
    id: int
    title: str
    organised_by: str
    level: str
    state: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    closes_at: dt.datetime
    venue: str
    job_types: list[str]
    entry_kind: str
    team_size: int
    theory_weight: Decimal
    practical_weight: Decimal


class ResultOut(Schema):
    rank: int
    entrant: str
    people: list[str]
    union: str
    theory: Decimal | None
    practical: Decimal | None
    total: Decimal
    prize: str
    merit: bool


class CountOut(Schema):
    label: str
    count: int


class FiguresOut(Schema):
    org: str
    year: int | None
    contests: int
    job_types: int
    units: int
    participant_times: int
    by_level: list[CountOut]
    by_job_type: list[CountOut]


class SheetIn(Schema):
    marks: dict[str, str]
    second_entry: bool = False


class SheetOut(Schema):
    entry_id: int
    marks: dict[str, str]
    second_entry_agrees: bool


@router.get("/contests", response=list[ContestOut])
def contests(request: HttpRequest) -> list[ContestOut]:
    """The contests the actor sees (those they run, and those open to their members)."""
    if not (
        actor_can(request.user, Perm.CONTEST_VIEW) or actor_can(request.user, Perm.CONTEST_MANAGE)
    ):
        raise Http404
    return [
        ContestOut(
            id=c.pk,
            title=c.title,
            organised_by=c.org.name,
            level=c.level,
            state=c.state,
            starts_at=c.starts_at,
            ends_at=c.ends_at,
            closes_at=c.closes_at,
            venue=c.venue,
            job_types=[jt.name for jt in c.job_types.all()],
            entry_kind=c.entry_kind,
            team_size=c.team_size,
            theory_weight=c.theory_weight,
            practical_weight=c.practical_weight,
        )
        for c in selectors.contests_for(request.user)[:100]
    ]


def _part(scores: dict[str, str], code: str) -> Decimal | None:
    return Decimal(scores[code]) if code in scores else None


@router.get("/contests/{contest_id}/results", response=list[ResultOut])
def results(request: HttpRequest, contest_id: int) -> list[ResultOut]:
    """Published results in rank order (R19: all at once); the contest's staff also see them
    locked before publication."""
    contest = selectors.contest_get_for(request.user, contest_id)
    panel, rows = selectors.standings(contest)
    if panel is None or (
        panel.state != PanelState.PUBLISHED and not selectors.can_manage(request.user, contest)
    ):
        raise Http404
    return [
        ResultOut(
            rank=row.result.rank,
            entrant=row.result.entry.label,
            people=[c.person.name for c in row.registration.contestants.all()],
            union=row.registration.union.name,
            theory=_part(row.result.part_scores, "theory"),
            practical=_part(row.result.part_scores, "practical"),
            total=row.result.total,
            prize=row.result.prize_tier,
            merit=row.result.merit,
        )
        for row in rows
    ]


@router.get("/contests/figures", response=list[FiguresOut])
def figures(request: HttpRequest, year: int | None = None) -> list[FiguresOut]:
    """For each org where the actor runs contests: its subtree's contests, job types,
    participating units and participant-times, for a year or all years."""
    roots = selectors.statistics_roots(request.user)
    if not roots:
        raise Http404
    out = []
    for org in roots:
        f = selectors.contest_figures(org=org, year=year)
        out.append(
            FiguresOut(
                org=org.name,
                year=year,
                contests=f.contests,
                job_types=f.job_types,
                units=f.units,
                participant_times=f.participants,
                by_level=[CountOut(label=label, count=n) for label, n in f.by_level],
                by_job_type=[CountOut(label=label, count=n) for label, n in f.by_job_type],
            )
        )
    return out


@router.put("/scoring/panels/{panel_id}/entries/{entry_id}/sheet", response=SheetOut)
def sheet(request: HttpRequest, panel_id: int, entry_id: int, payload: SheetIn) -> SheetOut:
    """A judge's marks for one entrant ({criterion code: mark as a decimal string}); refused
    with the reasons (422) as on the marking page."""
    panel, _seat = scoring_selectors.panel_get_judge(request.user, panel_id)
    entry = panel.entries.filter(pk=entry_id).first() if 0 < entry_id < 2**63 else None
    if entry is None:
        raise Http404
    saved = scoring.sheet_save(
        actor=request.user,  # type: ignore[arg-type]  # authenticated by the API
        panel=panel,
        entry=entry,
        marks=payload.marks,
        second_entry=payload.second_entry,
    )
    return SheetOut(entry_id=entry.pk, marks=saved.marks, second_entry_agrees=saved.entries_agree)
