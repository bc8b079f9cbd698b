"""Every read about studios and the alliance, scoped to the actor (R1): studios and requests
of the actor's subtree, the alliance on the actor's line. Missing and forbidden are both 404."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum
from django.http import Http404

from gonghui.core.models import Org
from gonghui.core.money import yuan
from gonghui.core.permissions import Perm
from gonghui.core.scoping import Actor, actor_can, ancestor_paths, org_line_q, org_scope_q
from gonghui.innovation.models import (
    Advisor,
    Alliance,
    AllianceMember,
    AllianceTier,
    MemberState,
    RequestState,
    ReviewRound,
    ServiceRequest,
    Squad,
    Studio,
    StudioMember,
    StudioProject,
    StudioReview,
    StudioState,
    Subsidy,
    Title,
)

MAX_PK = 2**63 - 1


def _pk_ok(pk: int) -> bool:
    return 0 < pk <= MAX_PK


# --- Studios ----------------------------------------------------------------------------------


def studios_for(
    actor: Actor, *, level: str = "", field: str = "", state: str = "", q: str = ""
) -> QuerySet[Studio]:
    """Studios of the actor's subtree (innovation.view), filtered."""
    rows = Studio.objects.filter(org_scope_q(actor, Perm.INNOVATION_VIEW)).select_related(
        "org", "leader", "alliance_seat"
    )
    if level:
        rows = rows.filter(level=level)
    if field:
        rows = rows.filter(field=field)
    if state:
        rows = rows.filter(state=state)
    if q:
        rows = rows.filter(Q(name__icontains=q) | Q(org__name__icontains=q))
    return rows.order_by("name", "pk")


def studio_get_for(actor: Actor, pk: int) -> Studio:
    studio = (
        Studio.objects.filter(org_scope_q(actor, Perm.INNOVATION_VIEW), pk=pk)
        .select_related("org", "leader", "case")
        .first()
        if _pk_ok(pk)
        else None
    )
    if studio is None:
        raise Http404
    return studio


@dataclass(frozen=True)
class StudioRecord:
    team: list[StudioMember]
    projects: list[StudioProject]
    subsidies: list[Subsidy]
    reviews: list[StudioReview]
    seat: AllianceMember | None


def studio_record(studio: Studio) -> StudioRecord:
    """What the studio page shows under the studio: a fixed number of queries."""
    return StudioRecord(
        team=list(studio.members.select_related("person").order_by("joined_on", "pk")),
        projects=list(studio.projects.order_by("-year", "-registered_at", "-pk")),
        subsidies=list(studio.subsidies.order_by("-year")),
        reviews=list(studio.reviews.select_related("round").order_by("-round__year")),
        seat=AllianceMember.objects.filter(studio=studio).select_related("alliance").first(),
    )


def review_rounds_for(actor: Actor) -> QuerySet[ReviewRound]:
    return (
        ReviewRound.objects.filter(org_scope_q(actor, Perm.INNOVATION_MANAGE))
        .select_related("org")
        .annotate(decided=Count("reviews"))
        .order_by("-year", "org__path")
    )


def review_round_get_for(actor: Actor, pk: int) -> ReviewRound:
    found = (
        ReviewRound.objects.filter(org_scope_q(actor, Perm.INNOVATION_MANAGE), pk=pk)
        .select_related("org")
        .first()
        if _pk_ok(pk)
        else None
    )
    if found is None:
        raise Http404
    return found


# --- The alliance -----------------------------------------------------------------------------


@dataclass
class AlliancePage:
    alliance: Alliance
    core: list[AllianceMember] = field(default_factory=list)
    ordinary: list[AllianceMember] = field(default_factory=list)
    applied: list[AllianceMember] = field(default_factory=list)
    advisors: list[Advisor] = field(default_factory=list)
    squads: list[Squad] = field(default_factory=list)


def alliance_for(actor: Actor) -> Alliance | None:
    """The alliance on the actor's line (the city's, for everyone in the city)."""
    return (
        Alliance.objects.filter(org_line_q(actor, Perm.INNOVATION_VIEW))
        .select_related("org")
        .order_by("org__level")
        .first()
    )


def alliance_page(alliance: Alliance) -> AlliancePage:
    seats = list(
        alliance.members.exclude(state=MemberState.REFUSED)
        .select_related("studio", "studio__org")
        .order_by("studio__name")
    )
    return AlliancePage(
        alliance=alliance,
        core=[s for s in seats if s.state == MemberState.MEMBER and s.tier == AllianceTier.CORE],
        ordinary=[
            s for s in seats if s.state == MemberState.MEMBER and s.tier == AllianceTier.ORDINARY
        ],
        applied=[s for s in seats if s.state == MemberState.APPLIED],
        advisors=list(alliance.advisors.select_related("person").order_by("field", "pk")),
        squads=list(
            alliance.squads.annotate(
                open_requests=Count("requests", filter=~Q(requests__state=RequestState.CLOSED))
            ).order_by("closed_on", "name")
        ),
    )


def seat_get_for(actor: Actor, pk: int) -> AllianceMember:
    seat = (
        AllianceMember.objects.select_related("alliance__org", "studio").filter(pk=pk).first()
        if _pk_ok(pk)
        else None
    )
    if seat is None or not actor_can(actor, Perm.INNOVATION_MANAGE, seat.alliance.org):
        raise Http404
    return seat


def squad_get_for(actor: Actor, pk: int) -> Squad:
    squad = (
        Squad.objects.select_related("alliance__org").filter(pk=pk).first() if _pk_ok(pk) else None
    )
    if squad is None or not actor_can(actor, Perm.INNOVATION_MANAGE, squad.alliance.org):
        raise Http404
    return squad


# --- Service requests -------------------------------------------------------------------------


def _requests() -> QuerySet[ServiceRequest]:
    return ServiceRequest.objects.select_related(
        "org", "studio", "squad", "advisor__person", "requested_by"
    )


def requests_asked_by(actor: Actor) -> QuerySet[ServiceRequest]:
    """The requests of the unions where the actor may ask (a firm's HR sees its firm's)."""
    return _requests().filter(org_scope_q(actor, Perm.INNOVATION_VIEW)).order_by("-created_at")


def request_queue(actor: Actor, *, state: str = "") -> QuerySet[ServiceRequest]:
    """Staff's queue: the requests of their subtree, open ones first."""
    rows = _requests().filter(org_scope_q(actor, Perm.INNOVATION_MANAGE))
    if state:
        rows = rows.filter(state=state)
    return rows.order_by("closed_at", "created_at", "pk")


def request_get_for(actor: Actor, pk: int) -> ServiceRequest:
    found = (
        _requests().filter(org_scope_q(actor, Perm.INNOVATION_VIEW), pk=pk).first()
        if _pk_ok(pk)
        else None
    )
    if found is None:
        raise Http404
    return found


# --- Figures for the figures page -------------------------------------------------------------


@dataclass(frozen=True)
class StudioFigures:
    year: int
    by_level: dict[str, int]
    by_field: dict[str, int]
    named: int
    delisted: int
    core_members: int
    ordinary_members: int
    advisors: int
    squads: int
    requests_open: int
    requests_closed: int
    subsidies_total: Decimal
    value_created: Decimal


def studio_figures(actor: Actor, org: Org, year: int) -> StudioFigures:
    """Studios under `org` (which the actor must see) for the figures page: by level and by
    field (named studios), named and de-listed counts, the alliance above, requests from the
    subtree, the year's subsidies and the value created by the year's results."""
    if not actor_can(actor, Perm.INNOVATION_VIEW, org):
        raise Http404
    studios = Studio.objects.filter(org__path__startswith=org.path)
    named = studios.filter(state=StudioState.NAMED)
    by_level = dict(named.values_list("level").annotate(n=Count("pk")).values_list("level", "n"))
    by_field = dict(named.values_list("field").annotate(n=Count("pk")).values_list("field", "n"))
    seats = AllianceMember.objects.filter(
        studio__org__path__startswith=org.path, state=MemberState.MEMBER
    )
    alliance = (
        Alliance.objects.filter(org__path__in=ancestor_paths(org)).order_by("org__level").first()
    )
    requests = ServiceRequest.objects.filter(org__path__startswith=org.path)
    money = Subsidy.objects.filter(studio__in=studios, year=year).aggregate(s=Sum("amount"))
    value = StudioProject.objects.filter(studio__in=studios, year=year).aggregate(
        s=Sum("value_created")
    )
    return StudioFigures(
        year=year,
        by_level=by_level,
        by_field=by_field,
        named=named.count(),
        delisted=studios.filter(state=StudioState.DELISTED).count(),
        core_members=seats.filter(tier=AllianceTier.CORE).count(),
        ordinary_members=seats.filter(tier=AllianceTier.ORDINARY).count(),
        advisors=alliance.advisors.count() if alliance else 0,
        squads=alliance.squads.filter(closed_on__isnull=True).count() if alliance else 0,
        requests_open=requests.exclude(state=RequestState.CLOSED).count(),
        requests_closed=requests.filter(state=RequestState.CLOSED).count(),
        subsidies_total=yuan(money["s"] or 0),
        value_created=yuan(value["s"] or 0),
    )


def titles_for(actor: Actor) -> QuerySet[Title]:
    """Titles recorded by unions of the actor's innovation subtree, newest first."""
    return (
        Title.objects.filter(org_scope_q(actor, Perm.INNOVATION_MANAGE))
        .select_related("person", "org")
        .order_by("-year", "person__name", "pk")
    )
