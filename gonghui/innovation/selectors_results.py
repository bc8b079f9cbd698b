"""Reads of pairings, five-small results and the exhibition, each scoped to the actor (R1:
missing and forbidden both 404), and `results_figures` for the figures page."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Prefetch, Q, QuerySet, Sum
from django.http import Http404

from gonghui.core.models import Org, OrgKind
from gonghui.core.permissions import Perm
from gonghui.core.scoping import Actor, actor_can, org_line_q, org_scope_q, orgs_for
from gonghui.innovation.models import (
    Exhibition,
    ExhibitionItem,
    FiveSmallKind,
    FiveSmallResult,
    FiveSmallRound,
    OutcomeKind,
    PairingAgreement,
    PairingOutcome,
    Patent,
    RoundState,
    VisitBooking,
    VisitSlot,
)
from gonghui.orgs.models import Person

MAX_PK = 2**63 - 1
UNIT_KINDS = (OrgKind.GRASSROOTS_UNION, OrgKind.JOINT_UNION)


def _pk_ok(pk: int) -> bool:
    return 0 < pk <= MAX_PK


# --- Pairings -----------------------------------------------------------------------------------


def pairings_for(actor: Actor) -> QuerySet[PairingAgreement]:
    """Pairings recorded in the actor's subtree, or where their union is a side."""
    scope = (
        org_scope_q(actor, Perm.INNOVATION_MANAGE)
        | org_scope_q(actor, Perm.CASE_OPEN, "state_union")
        | org_scope_q(actor, Perm.CASE_OPEN, "private_union")
    )
    return (
        PairingAgreement.objects.filter(scope)
        .select_related("org", "state_enterprise", "private_enterprise")
        .annotate(
            plan_total=Count("plan_items", distinct=True),
            plan_done=Count(
                "plan_items", filter=Q(plan_items__done_at__isnull=False), distinct=True
            ),
            activity_total=Count("activities", distinct=True),
        )
        .order_by("-signed_on", "-pk")
    )


def pairing_get_for(actor: Actor, pk: int) -> PairingAgreement:
    agreement = pairings_for(actor).filter(pk=pk).first() if _pk_ok(pk) else None
    if agreement is None:
        raise Http404
    return agreement


def can_manage_pairing(actor: Actor, agreement: PairingAgreement) -> bool:
    return actor_can(actor, Perm.INNOVATION_MANAGE, agreement.org)


def pairing_orgs(actor: Actor) -> list[Org]:
    """Where the actor may record a pairing: the federations where they run innovation."""
    return list(
        orgs_for(actor, Perm.INNOVATION_MANAGE).exclude(kind__in=UNIT_KINDS).order_by("path")[:200]
    )


# --- Five-small rounds and results --------------------------------------------------------------


def rounds_for(actor: Actor) -> QuerySet[FiveSmallRound]:
    """Rounds run at or above the actor's orgs (a city's round is open to its unions' workers)
    or within the subtree they manage."""
    return (
        FiveSmallRound.objects.filter(
            org_line_q(actor, Perm.INNOVATION_VIEW, Perm.INNOVATION_MANAGE)
        )
        .select_related("org")
        .annotate(result_total=Count("results"))
        .order_by("-year", "-pk")
    )


def round_get_for(actor: Actor, pk: int) -> FiveSmallRound:
    round_ = rounds_for(actor).filter(pk=pk).first() if _pk_ok(pk) else None
    if round_ is None:
        raise Http404
    return round_


def can_manage_round(actor: Actor, round_: FiveSmallRound) -> bool:
    return actor_can(actor, Perm.INNOVATION_MANAGE, round_.org)


def round_orgs(actor: Actor) -> list[Org]:
    return pairing_orgs(actor)


def results_visible_q(actor: Actor) -> Q:
    """A result is seen by the staff of the round's organiser (and above), by its unit's staff,
    by whoever submitted it and by its authors."""
    if not actor.is_authenticated:
        return Q(pk__in=[])
    own = Q(submitted_by_id=actor.pk) | Q(
        pk__in=FiveSmallResult.authors.through.objects.filter(person__user_id=actor.pk).values(
            "fivesmallresult_id"
        )
    )
    return (
        org_scope_q(actor, Perm.INNOVATION_MANAGE, "round__org")
        | org_scope_q(actor, Perm.CASE_OPEN, "unit")
        | org_scope_q(actor, Perm.MEMBER_MANAGE, "unit")
        | own
    )


def _results() -> QuerySet[FiveSmallResult]:
    return FiveSmallResult.objects.select_related("round", "unit", "pledged_by").prefetch_related(
        Prefetch("authors", queryset=Person.objects.only("pk", "name", "user_id"))
    )


def results_for(actor: Actor, round_: FiveSmallRound | None = None) -> QuerySet[FiveSmallResult]:
    results = _results().filter(results_visible_q(actor))
    if round_ is not None:
        results = results.filter(round=round_)
    return results.order_by("-submitted_at", "-pk")


def round_winners(round_: FiveSmallRound) -> list[FiveSmallResult]:
    """The awarded results of an awarded round, best prize first: titles, kinds and units are
    shown to whoever sees the round (no authors' names)."""
    if round_.state != RoundState.AWARDED:
        return []
    order = {t["name"]: n for n, t in enumerate(round_.prize_table)}
    winners = list(round_.results.exclude(award="").select_related("unit").order_by("pk"))
    return sorted(winners, key=lambda r: (order.get(r.award, len(order)), r.pk))


def result_get_for(actor: Actor, pk: int) -> FiveSmallResult:
    result = (
        _results()
        .select_related("round__org", "resubmission_of", "resubmission_of__round")
        .prefetch_related("patents", "attachments")
        .filter(results_visible_q(actor), pk=pk)
        .first()
        if _pk_ok(pk)
        else None
    )
    if result is None:
        raise Http404
    return result


def own_person(actor: Actor) -> Person | None:
    if not actor.is_authenticated:
        return None
    return Person.objects.filter(user_id=actor.pk).first()


def submit_units(actor: Actor) -> list[Org]:
    """Unit unions whose workers the actor may enter results for (as their staff)."""
    staff = Q(pk__in=orgs_for(actor, Perm.CASE_OPEN).values("pk")) | Q(
        pk__in=orgs_for(actor, Perm.MEMBER_MANAGE).values("pk")
    )
    return list(Org.objects.filter(staff, kind__in=UNIT_KINDS).order_by("path")[:500])


# --- Exhibitions --------------------------------------------------------------------------------


def exhibitions_for(actor: Actor) -> QuerySet[Exhibition]:
    return (
        Exhibition.objects.filter(org_line_q(actor, Perm.INNOVATION_VIEW, Perm.INNOVATION_MANAGE))
        .select_related("org")
        .annotate(item_total=Count("items", distinct=True))
        .order_by("-starts_on", "-pk")
    )


def exhibition_get_for(actor: Actor, pk: int) -> Exhibition:
    exhibition = exhibitions_for(actor).filter(pk=pk).first() if _pk_ok(pk) else None
    if exhibition is None:
        raise Http404
    return exhibition


def exhibition_public(pk: int) -> Exhibition:
    """Any exhibition, for its public page."""
    exhibition = (
        Exhibition.objects.select_related("org").filter(pk=pk).first() if _pk_ok(pk) else None
    )
    if exhibition is None:
        raise Http404
    return exhibition


def exhibition_items(exhibition: Exhibition) -> QuerySet[ExhibitionItem]:
    return exhibition.items.select_related("result", "result__unit", "result__round").order_by(
        "position"
    )


def exhibition_slots(exhibition: Exhibition) -> QuerySet[VisitSlot]:
    return exhibition.slots.prefetch_related(
        Prefetch("bookings", queryset=VisitBooking.objects.select_related("unit"))
    ).order_by("starts_at")


def exhibition_candidates(actor: Actor, exhibition: Exhibition) -> QuerySet[FiveSmallResult]:
    """Results the organiser may add: of its subtree, not shown yet, winners first."""
    return (
        FiveSmallResult.objects.filter(unit__path__startswith=exhibition.org.path)
        .filter(results_visible_q(actor))
        .exclude(pk__in=exhibition.items.values("result_id"))
        .select_related("unit", "round")
        .order_by("-round__year", "award", "title")
    )


def booking_units(actor: Actor, exhibition: Exhibition) -> list[Org]:
    """Units the actor may book a batch for: unit unions under the organiser they serve."""
    return [u for u in submit_units(actor) if u.path.startswith(exhibition.org.path)]


# --- Figures ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ResultsFigures:
    pairings: int
    firms_helped: int
    private_studios: int
    emerging_studios: int
    results_submitted: int
    by_kind: dict[str, int] = field(default_factory=dict)  # kind label → count
    awarded: int = 0
    patents: int = 0
    value_created: Decimal = Decimal("0.00")
    exhibition_results: int = 0
    visitors_booked: int = 0


def results_figures(actor: Actor, org: Org, year: int) -> ResultsFigures:
    """The year's figures of the org's subtree: pairings signed, private firms helped and
    studios fostered (from outcomes), five-small results submitted (by kind) and awarded,
    patents, value created, results exhibited and visitors booked. 404 when the actor may
    not run innovation at the org."""
    if not actor_can(actor, Perm.INNOVATION_MANAGE, org):
        raise Http404
    below = org.path
    pairings = PairingAgreement.objects.filter(org__path__startswith=below, signed_on__year=year)
    outcomes = Counter[str]()
    for kind, total in (
        PairingOutcome.objects.filter(agreement__in=pairings)
        .values_list("kind")
        .annotate(total=Sum("count"))
    ):
        outcomes[kind] = total or 0
    results = FiveSmallResult.objects.filter(unit__path__startswith=below, round__year=year)
    kinds = dict(results.values_list("kind").annotate(n=Count("pk")))
    exhibitions = Exhibition.objects.filter(org__path__startswith=below, starts_on__year=year)
    value = results.aggregate(v=Sum("value_created"))["v"]
    return ResultsFigures(
        pairings=pairings.count(),
        firms_helped=outcomes[OutcomeKind.FIRM_HELPED],
        private_studios=outcomes[OutcomeKind.PRIVATE_STUDIO],
        emerging_studios=outcomes[OutcomeKind.EMERGING_STUDIO],
        results_submitted=results.count(),
        by_kind={str(label): kinds.get(code, 0) for code, label in FiveSmallKind.choices},
        awarded=results.exclude(award="").count(),
        patents=Patent.objects.filter(result__in=results).count(),
        value_created=(value or Decimal(0)).quantize(Decimal("0.01")),
        exhibition_results=ExhibitionItem.objects.filter(exhibition__in=exhibitions).count(),
        visitors_booked=VisitBooking.objects.filter(slot__exhibition__in=exhibitions).aggregate(
            v=Sum("visitors")
        )["v"]
        or 0,
    )
