"""Reads of judging: a judge's panels, a panel for its managers or its judges, the marking
progress (entrant × judge) and who may be put on a panel."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet
from django.http import Http404

from gonghui.core.models import RoleAssignment, User
from gonghui.core.permissions import ROLES, Perm
from gonghui.core.scoping import Actor, actor_can, ancestor_paths, org_scope_q
from gonghui.scoring.models import Entry, JudgeRole, Panel, PanelJudge, PanelState, ScoreSheet
from gonghui.scoring.services import is_recused


def _panel(pk: int) -> Panel | None:
    if not 0 < pk < 2**63:
        return None
    return Panel.objects.select_related("org", "rubric").filter(pk=pk).first()


def panel_get_manage(actor: Actor, pk: int) -> Panel:
    """The panel for those who set it up and lock it (SCORE_MANAGE at its org); else 404."""
    panel = _panel(pk)
    if panel is None or not actor_can(actor, Perm.SCORE_MANAGE, panel.org):
        raise Http404
    return panel


def judge_seat(actor: Actor, panel: Panel) -> PanelJudge | None:
    if not actor.is_authenticated or not actor_can(actor, Perm.SCORE_ENTER, panel.org):
        return None
    return PanelJudge.objects.filter(panel=panel, user_id=actor.pk, role=JudgeRole.JUDGE).first()


def panel_get_judge(actor: Actor, pk: int) -> tuple[Panel, PanelJudge]:
    """The panel and the actor's seat on it, for a judge marking; else 404."""
    panel = _panel(pk)
    seat = judge_seat(actor, panel) if panel is not None else None
    if panel is None or seat is None:
        raise Http404
    return panel, seat


def panels_judged_by(actor: Actor) -> QuerySet[PanelJudge]:
    """The actor's seats as a judge, panels still open first."""
    if not actor.is_authenticated:
        return PanelJudge.objects.none()
    return (
        PanelJudge.objects.filter(user_id=actor.pk, role=JudgeRole.JUDGE)
        .select_related("panel", "panel__org")
        .order_by("panel__state", "-panel__created_at")
    )


def panels_managed_by(actor: Actor) -> QuerySet[Panel]:
    return (
        Panel.objects.filter(org_scope_q(actor, Perm.SCORE_MANAGE))
        .select_related("org")
        .order_by("state", "-created_at")
    )


@dataclass(frozen=True)
class Cell:
    judge: PanelJudge
    recused: bool
    sheet: ScoreSheet | None


@dataclass(frozen=True)
class ProgressRow:
    entry: Entry
    cells: list[Cell]

    @property
    def complete(self) -> bool:
        return all(c.recused or c.sheet is not None for c in self.cells)


def marking_progress(panel: Panel) -> tuple[list[PanelJudge], list[ProgressRow]]:
    """Each entrant with, per judge, whether they are recused (R18) and their sheet if any."""
    judges = list(panel.judges.filter(role=JudgeRole.JUDGE).select_related("user").order_by("pk"))
    sheets = {(s.entry_id, s.judge_id): s for s in ScoreSheet.objects.filter(panel=panel)}
    rows = [
        ProgressRow(
            entry,
            [Cell(j, is_recused(j, entry), sheets.get((entry.pk, j.pk))) for j in judges],
        )
        for entry in panel.entries.all()
    ]
    return judges, rows


def seat_candidates(panel: Panel) -> list[tuple[str, str]]:
    """People who may sit on the panel: judges (SCORE_ENTER) and contest or panel staff
    (SCORE_MANAGE, who may arbitrate) holding their role at the panel's org or above it,
    not on it yet."""
    roles = [c for c, spec in ROLES.items() if {Perm.SCORE_ENTER, Perm.SCORE_MANAGE} & spec.perms]
    paths = ancestor_paths(panel.org)
    seated = panel.judges.values("user")
    users = (
        User.objects.filter(
            pk__in=RoleAssignment.objects.filter(role__in=roles, org__path__in=paths).values(
                "user"
            ),
            is_active=True,
        )
        .exclude(pk__in=seated)
        .order_by("username")
    )
    return [(str(u.pk), f"{u.display_name or u.username}（{u.username}）") for u in users]


def is_open(panel: Panel) -> bool:
    return panel.state == PanelState.OPEN
