"""Reads of labour and skills contests: which contests an actor sees, a contest's entries with
their stations and results, the people a union may enter, and the figures of a federation's
subtree (contests, job types, units, participant-times)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from gonghui.competitions.models import (
    Certificate,
    Contest,
    Contestant,
    ContestLevel,
    ContestState,
    JobType,
    Registration,
)
from gonghui.competitions.services import MINIMUM_AGE, RETIREMENT_AGE, contest_panel
from gonghui.core.models import Org
from gonghui.core.permissions import Perm
from gonghui.core.scoping import Actor, actor_can, grants_for, org_line_q, org_scope_q
from gonghui.orgs.models import Membership, MembershipState, Person
from gonghui.scoring.models import Panel, PanelState, Result

CANDIDATES_SHOWN = 300


def contests_for(actor: Actor) -> QuerySet[Contest]:
    """The contests the actor sees: those run in the subtrees where they run contests or see
    them, and those run above their org, which its members may enter."""
    return (
        Contest.objects.filter(org_line_q(actor, Perm.CONTEST_VIEW, Perm.CONTEST_MANAGE))
        .select_related("org")
        .prefetch_related("job_types")
        .distinct()
    )


def contest_get_for(actor: Actor, pk: int) -> Contest:
    contest = contests_for(actor).filter(pk=pk).first() if 0 < pk < 2**63 else None
    if contest is None:
        raise Http404
    return contest


def can_manage(actor: Actor, contest: Contest) -> bool:
    return actor_can(actor, Perm.CONTEST_MANAGE, contest.org)


def registrations_of(contest: Contest) -> list[Registration]:
    return list(
        contest.registrations.select_related("union")
        .prefetch_related("contestants__person")
        .order_by("pk")
    )


def registrations_visible(actor: Actor, contest: Contest) -> list[Registration]:
    """Contest staff see every entry; a union sees the entries it may make, a worker their own."""
    rows = registrations_of(contest)
    if can_manage(actor, contest):
        return rows
    return [
        r
        for r in rows
        if actor_can(actor, Perm.CASE_OPEN, r.union)
        or actor_can(actor, Perm.MEMBER_MANAGE, r.union)
        or any(c.person.user_id == actor.pk for c in r.contestants.all())
    ]


@dataclass(frozen=True)
class Standing:
    registration: Registration
    result: Result
    certificates: list[Certificate]


def standings(contest: Contest) -> tuple[Panel | None, list[Standing]]:
    """The locked results in rank order, each with its registration and certificates."""
    panel = contest_panel(contest)
    if panel is None or panel.state == PanelState.OPEN:
        return panel, []
    registrations = {r.pk: r for r in registrations_of(contest)}
    certificates: dict[int, list[Certificate]] = {}
    for certificate in contest.certificates.select_related("person").order_by("pk"):
        certificates.setdefault(certificate.registration_id, []).append(certificate)
    rows = []
    for result in Result.objects.filter(panel=panel).select_related("entry"):
        registration = registrations.get(int(result.entry.object_id))
        if registration is not None:
            rows.append(Standing(registration, result, certificates.get(registration.pk, [])))
    return panel, rows


def stations_of(contest: Contest) -> list[tuple[int, Registration]]:
    draw = getattr(contest, "lot_draw", None)
    if draw is None:
        return []
    registrations = {r.pk: r for r in registrations_of(contest)}
    return sorted(
        (n, registrations[int(pk)]) for pk, n in draw.stations.items() if int(pk) in registrations
    )


def candidates_for(
    actor: Actor, contest: Contest, q: str = "", *, limit: int = CANDIDATES_SHOWN
) -> tuple[list[Membership], int]:
    """Members the actor's unions may enter in the contest: active, in a union under the
    organiser, of one of its job types, of age on the contest day, not entered yet. Capped at
    CANDIDATES_SHOWN, with the full count so the page can ask for a narrower search."""
    day = timezone.localtime(contest.starts_at).date()
    names = [n for jt in contest.job_types.all() for n in (jt.name, jt.code)]
    youngest = dt.date(day.year - MINIMUM_AGE, day.month, min(day.day, 28))
    age_q = Q()
    for sex, retirement in RETIREMENT_AGE.items():
        oldest = dt.date(day.year - retirement, day.month, min(day.day, 28))
        age_q |= Q(person__sex=sex, person__birth_date__gt=oldest)
    rows = (
        Membership.objects.filter(
            org_scope_q(actor, Perm.MEMBER_MANAGE) | org_scope_q(actor, Perm.CASE_OPEN),
            org__path__startswith=contest.org.path,
            state=MembershipState.ACTIVE,
            person__job_type__in=names,
            person__birth_date__lte=youngest,
        )
        .filter(age_q)
        .exclude(person__in=Contestant.objects.filter(contest=contest).values("person"))
        .select_related("person", "org")
        .order_by("org__path", "person__name", "pk")
    )
    q = q.strip()
    if q:
        rows = rows.filter(Q(person__name__contains=q) | Q(org__name__contains=q))
    total = rows.count()
    return (list(rows[:limit]) if limit else []), total


# --- Statistics ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ContestFigures:
    org: Org
    year: int | None
    contests: int
    job_types: int
    units: int
    participants: int
    by_level: list[tuple[str, int]]
    by_job_type: list[tuple[str, int]]


def statistics_roots(actor: Actor) -> list[Org]:
    """The orgs whose figures the actor may read: where they run contests."""
    orgs = sorted((g.org for g in grants_for(actor, Perm.CONTEST_MANAGE)), key=lambda o: o.path)
    return [o for o in orgs if not any(o.path.startswith(p.path) and o != p for p in orgs)]


def contest_figures(*, org: Org, year: int | None = None) -> ContestFigures:
    """The lead article's figures for a federation and its subtree: contests held, distinct
    job types, participating units (the unions that entered people) and participant-times
    (人次: a person in two contests counts twice). Draft contests are not counted."""
    contests = Contest.objects.filter(org__path__startswith=org.path).exclude(
        state=ContestState.DRAFT
    )
    if year is not None:
        contests = contests.filter(starts_at__year=year)
    levels = dict(contests.values_list("level").annotate(n=Count("pk")).values_list("level", "n"))
    by_job = (
        JobType.objects.filter(contests__in=contests)
        .annotate(n=Count("contests", distinct=True))
        .order_by("-n", "name")
        .values_list("name", "n")
    )
    return ContestFigures(
        org=org,
        year=year,
        contests=contests.count(),
        job_types=JobType.objects.filter(contests__in=contests).distinct().count(),
        units=Registration.objects.filter(contest__in=contests).values("union").distinct().count(),
        participants=Contestant.objects.filter(contest__in=contests).count(),
        by_level=[(str(label), levels.get(value, 0)) for value, label in ContestLevel.choices],
        by_job_type=[(name, n) for name, n in by_job[:10]],
    )


def my_entries(actor: Actor) -> QuerySet[Contestant]:
    """The worker's own entries, newest contest first."""
    if not actor.is_authenticated:
        return Contestant.objects.none()
    return (
        Contestant.objects.filter(person__user_id=actor.pk)
        .select_related("contest", "registration")
        .order_by("-contest__starts_at")
    )


def own_person(actor: Actor) -> Person | None:
    if not actor.is_authenticated:
        return None
    return Person.objects.filter(user_id=actor.pk).first()
