"""A contest as the tests need it, made through the real services: opened by 东湖's staff,
its registration closed, its panel judged by the demo judge."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from decimal import Decimal

from django.utils import timezone

from gonghui.competitions import services
from gonghui.competitions.models import Contest, EntryKind
from gonghui.core.models import Org, User
from gonghui.scoring import engine
from gonghui.scoring import services as scoring
from gonghui.scoring.models import JudgeRole, Panel


def open_contest(
    staff: User,
    district: Org,
    *,
    title: str,
    job: tuple[str, str],
    prizes: Sequence[engine.PrizeTier],
) -> Contest:
    """An individual contest ten days ahead, taking registrations for three more days."""
    now = timezone.now()
    contest = services.contest_create(
        actor=staff,
        org=district,
        title=title,
        job_types=[services.job_type_create(actor=staff, code=job[0], name=job[1])],
        starts_at=now + dt.timedelta(days=10),
        ends_at=now + dt.timedelta(days=10, hours=2),
        closes_at=now + dt.timedelta(days=3),
        venue="东湖区职业技能实训基地",
        time_limit_minutes=60,
        entry_kind=EntryKind.INDIVIDUAL,
        prize_table=list(prizes),
        prize_money={"first": Decimal("5000")},
    )
    return services.contest_open(actor=staff, contest=contest)


def registration_closed(contest: Contest) -> Contest:
    """Time has passed the registration deadline."""
    Contest.objects.filter(pk=contest.pk).update(closes_at=timezone.now() - dt.timedelta(minutes=1))
    contest.refresh_from_db()
    return contest


def judged(
    staff: User,
    judge: User,
    contest: Contest,
    marks: Mapping[str, tuple[int, int]],
    *,
    arbiters: Sequence[User] = (),
) -> Panel:
    """The panel opened (with any arbiters), every entrant (by label) marked (theory,
    practical) by one judge in 50 minutes, and the results locked."""
    panel = services.contest_panel_open(actor=staff, contest=registration_closed(contest))
    scoring.judge_add(actor=staff, panel=panel, user=judge)
    for arbiter in arbiters:
        scoring.judge_add(actor=staff, panel=panel, user=arbiter, role=JudgeRole.ARBITER)
    for entry in panel.entries.all():
        theory, practical = marks[entry.label]
        scoring.entry_time_record(actor=staff, entry=entry, seconds=3000)
        scoring.sheet_save(
            actor=judge,
            panel=panel,
            entry=entry,
            marks={"theory_paper": str(theory), "practical_task": str(practical)},
        )
    scoring.results_lock(actor=staff, panel=panel)
    panel.refresh_from_db()
    return panel


def ended(contest: Contest, ago: dt.timedelta) -> Contest:
    """Time has passed the contest: it ran for an hour and ended `ago`."""
    end = timezone.now() - ago
    Contest.objects.filter(pk=contest.pk).update(
        closes_at=end - dt.timedelta(days=3),
        starts_at=end - dt.timedelta(hours=1),
        ends_at=end,
    )
    contest.refresh_from_db()
    return contest
