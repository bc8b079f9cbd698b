"""Reads of golden-autumn campaigns and applications, already scoped to the actor."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum
from django.http import Http404
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gonghui.aid.models import (
    Application,
    Award,
    AwardQuerySet,
    Campaign,
    Donor,
    HardshipFile,
    HouseholdMember,
    LivingLine,
    Offer,
    PaymentBatch,
    SchoolStage,
    SpotCheck,
)
from gonghui.core.models import Org
from gonghui.core.money import yuan
from gonghui.core.permissions import Perm
from gonghui.core.scoping import Actor, actor_can, grants_for, org_scope_q, orgs_for
from gonghui.review.models import CaseState

STAFF_PERMS = (Perm.AID_MANAGE, Perm.CASE_OPEN, Perm.CASE_REVIEW)


def _staff_q(actor: Actor, field: str = "org") -> Q:
    q = Q(pk__in=[])
    for perm in STAFF_PERMS:
        q |= org_scope_q(actor, perm, field=field)
    return q


def is_aid_staff(actor: Actor) -> bool:
    return any(grants_for(actor, perm) for perm in STAFF_PERMS)


def campaigns_for(actor: Actor) -> QuerySet[Campaign]:
    """Campaigns run by an org above or within the actor's staff orgs."""
    ids: set[int] = set()
    below = Q(pk__in=[])
    for perm in STAFF_PERMS:
        for grant in grants_for(actor, perm):
            ids.update(int(pk) for pk in grant.org.path.strip("/").split("/"))
            below |= Q(org__path__startswith=grant.org.path)
    return (
        Campaign.objects.filter(Q(org_id__in=ids) | below)
        .select_related("org")
        .order_by("-year", "-pk")
    )


def campaign_get_for(actor: Actor, pk: int) -> Campaign:
    campaign = campaigns_for(actor).filter(pk=pk).first() if 0 < pk < 2**63 else None
    if campaign is None:
        raise Http404
    return campaign


def _with_live_award(applications: QuerySet[Application]) -> QuerySet[Application]:
    """Each application's uncancelled award fetched in one query for the whole list, so that
    `live_award` and `application_status` read it without a query per row."""
    live = Award.objects.filter(cancelled_at__isnull=True).select_related("batch", "reversal")
    return applications.prefetch_related(Prefetch("awards", queryset=live, to_attr="live_awards"))


def applications_for(actor: Actor) -> QuerySet[Application]:
    """Applications of unions in the actor's scope (opening, reviewing or running aid)."""
    return _with_live_award(
        Application.objects.filter(_staff_q(actor)).select_related(
            "campaign", "org", "district", "case", "case__reviewing_org"
        )
    )


def application_get_for(actor: Actor, pk: int) -> Application:
    """Staff see the applications of their scope; a worker sees their own."""
    if not 0 < pk < 2**63:
        raise Http404
    found = (
        Application.objects.filter(Q(_staff_q(actor)) | Q(worker_user_id=actor.pk or 0))
        .select_related("campaign", "campaign__org", "org", "district", "case")
        .filter(pk=pk)
        .first()
    )
    if found is None:
        raise Http404
    return found


def my_applications(actor: Actor) -> QuerySet[Application]:
    return _with_live_award(
        Application.objects.filter(worker_user_id=actor.pk or 0)
        .select_related("campaign", "case", "case__reviewing_org", "org")
        .order_by("-created_at")
    )


# How an application's case state reads to workers and unions: one wording for the status
# column, the filter and the charts.
STATE_LABELS: dict[str, Promise] = {
    CaseState.DRAFT: gettext_lazy("Waiting for the union's check"),
    CaseState.UNDER_REVIEW: gettext_lazy("Under review"),
    CaseState.SENT_BACK: gettext_lazy("Sent back to correct"),
    CaseState.APPROVED: CaseState.APPROVED.label,
    CaseState.UNDER_NOTICE: CaseState.UNDER_NOTICE.label,
    CaseState.CONFIRMED: CaseState.CONFIRMED.label,
    CaseState.REJECTED: CaseState.REJECTED.label,
}


def application_status(application: Application) -> str:
    """Where an application stands, in words the worker understands."""
    case = application.case
    if case is None:
        return _("Received")
    if case.state == CaseState.DRAFT:
        return _("Waiting for the union's check")
    if case.state == CaseState.UNDER_REVIEW and case.reviewing_org is not None:
        return _("Under review at %(org)s") % {"org": case.reviewing_org.name}
    award = live_award(application)
    if award is not None and hasattr(award, "reversal"):
        return _("Paid, then reversed")
    if case.state == CaseState.CONFIRMED and award is not None and award.batch_id:
        paid = award.batch is not None and award.batch.paid_at is not None
        return _("Paid") if paid else _("Confirmed, payment in progress")
    return str(CaseState(case.state).label)


def live_award(application: Application) -> Award | None:
    prefetched: list[Award] | None = getattr(application, "live_awards", None)
    if prefetched is not None:
        return prefetched[0] if prefetched else None
    return (
        Award.objects.filter(application=application, cancelled_at__isnull=True)
        .select_related("batch", "reversal")
        .first()
    )


@dataclass(frozen=True)
class Figures:
    budget: Decimal
    committed: Decimal
    paid: Decimal
    left: Decimal
    applications: int
    aided: int
    by_stage: list[tuple[str, int]]
    by_status: list[tuple[str, int]]
    by_district: list[tuple[str, int, Decimal]]
    scoped: bool


def campaign_figures(*, actor: Actor, campaign: Campaign) -> Figures:
    """The campaign's figures: the whole campaign for those who run it, else the actor's
    part of it (a district sees its own unions)."""
    whole = actor_can(actor, Perm.AID_MANAGE, campaign.org)
    apps = Application.objects.filter(campaign=campaign)
    if not whole:
        apps = apps.filter(_staff_q(actor))
    awards = Award.objects.filter(application__in=apps, cancelled_at__isnull=True)
    live = awards.filter(reversal__isnull=True)
    committed = awards.net()
    stages = dict(apps.values_list("stage").annotate(n=Count("pk")).values_list("stage", "n"))
    states = dict(
        apps.values_list("case__state").annotate(n=Count("pk")).values_list("case__state", "n")
    )
    districts = {
        org_id: n
        for org_id, n in apps.values_list("district")
        .annotate(n=Count("pk"))
        .values_list("district", "n")
    }
    money = dict(
        live.values_list("district").annotate(t=Sum("amount")).values_list("district", "t")
    )
    names = dict(Org.objects.filter(pk__in=districts).values_list("pk", "name"))
    return Figures(
        budget=campaign.budget,
        committed=committed,
        paid=awards.filter(batch__paid_at__isnull=False).net(),
        left=yuan(campaign.budget - committed) if whole else Decimal(0),
        applications=apps.count(),
        aided=live.filter(application__case__state=CaseState.CONFIRMED).count(),
        by_stage=[(str(label), stages.get(value, 0)) for value, label in SchoolStage.choices],
        by_status=[(str(label), states.get(value, 0)) for value, label in STATE_LABELS.items()],
        by_district=sorted(
            ((names[pk], n, yuan(money.get(pk) or 0)) for pk, n in districts.items()),
            key=lambda row: -row[1],
        ),
        scoped=not whole,
    )


def batches_for(actor: Actor, campaign: Campaign) -> QuerySet[PaymentBatch]:
    if not actor_can(actor, Perm.AID_MANAGE, campaign.org):
        return PaymentBatch.objects.none()
    return campaign.batches.select_related("created_by", "paid_by")


def batch_get_for(actor: Actor, pk: int) -> PaymentBatch:
    batch = (
        PaymentBatch.objects.filter(org_scope_q(actor, Perm.AID_MANAGE))
        .select_related("campaign")
        .filter(pk=pk)
        .first()
        if 0 < pk < 2**63
        else None
    )
    if batch is None:
        raise Http404
    return batch


def payable(actor: Actor, campaign: Campaign) -> AwardQuerySet:
    """Confirmed awards in the actor's scope not yet in a batch."""
    return Award.objects.filter(
        org_scope_q(actor, Perm.AID_MANAGE, field="application__org"),
        campaign=campaign,
        cancelled_at__isnull=True,
        batch__isnull=True,
        application__case__state=CaseState.CONFIRMED,
    )


def awards_before_notice_ends(actor: Actor, campaign: Campaign) -> dict[str, int]:
    """Live awards in the actor's scope that are approved but not yet payable (R6), counted
    by where they stand: "approved" (to be put under notice) and "under_notice"."""
    counts = dict(
        Award.objects.filter(
            org_scope_q(actor, Perm.AID_MANAGE, field="application__org"),
            campaign=campaign,
            cancelled_at__isnull=True,
            application__case__state__in=(CaseState.APPROVED, CaseState.UNDER_NOTICE),
        )
        .values_list("application__case__state")
        .annotate(n=Count("pk"))
        .values_list("application__case__state", "n")
    )
    return {state: counts.get(state, 0) for state in (CaseState.APPROVED, CaseState.UNDER_NOTICE)}


def donors_for(actor: Actor) -> QuerySet[Donor]:
    return (
        Donor.objects.filter(org_scope_q(actor, Perm.AID_MANAGE))
        .annotate(
            n_pairings=Count("pairings", distinct=True), n_offers=Count("offers", distinct=True)
        )
        .order_by("name")
    )


def donor_get_for(actor: Actor, pk: int) -> Donor:
    donor = donors_for(actor).filter(pk=pk).first() if 0 < pk < 2**63 else None
    if donor is None:
        raise Http404
    return donor


def offers_for_aided(actor: Actor) -> QuerySet[Offer]:
    """Open jobs and internships offered by donors of the federations above the worker."""
    ids: set[int] = set()
    for application in my_applications(actor):
        ids.update(int(pk) for pk in application.org.path.strip("/").split("/"))
    return Offer.objects.filter(is_open=True, donor__org_id__in=ids).select_related("donor")


# --- Hardship files ----------------------------------------------------------------------


def files_for(actor: Actor) -> QuerySet[HardshipFile]:
    """Files of unions in the actor's hardship.manage scope, with the worker's name and
    whether the file is on this year's spot-check list."""
    worker = HouseholdMember.objects.filter(file=OuterRef("pk"), relation="self")
    drawn = SpotCheck.objects.filter(file=OuterRef("pk"), year=timezone.localdate().year)
    return (
        HardshipFile.objects.filter(org_scope_q(actor, Perm.HARDSHIP_MANAGE))
        .select_related("org")
        .annotate(worker_name=Subquery(worker.values("name")[:1]), spot_checked=Exists(drawn))
    )


def file_get_for(actor: Actor, pk: int) -> HardshipFile:
    """One file in the actor's scope; missing and forbidden are both 404."""
    found = (
        files_for(actor).select_related("district").filter(pk=pk).first()
        if 0 < pk < 2**63
        else None
    )
    if found is None:
        raise Http404
    return found


def districts_for(actor: Actor) -> QuerySet[Org]:
    """The districts and counties (level 2) where the actor sets minimum-living lines."""
    return orgs_for(actor, Perm.AID_MANAGE).filter(level=2).order_by("code")


def applications_of_household(file: HardshipFile) -> QuerySet[Application]:
    """Golden-autumn applications made by a worker of the household (on file or not yet)."""
    hashes = file.members.values_list("id_hash", flat=True)
    return (
        Application.objects.filter(worker_hash__in=hashes)
        .select_related("campaign", "case")
        .order_by("-created_at")
    )


def living_lines_for(actor: Actor, year: int) -> QuerySet[LivingLine]:
    """This year's minimum-living lines of the districts the actor's files fall under: the
    districts above the actor's orgs, or below a city federation's."""
    ids: set[int] = set()
    below = Q(pk__in=[])
    for grant in grants_for(actor, Perm.HARDSHIP_MANAGE):
        ids.update(int(pk) for pk in grant.org.path.strip("/").split("/"))
        below |= Q(org__path__startswith=grant.org.path)
    return (
        LivingLine.objects.filter(Q(org_id__in=ids) | below, org__level=2, year=year)
        .select_related("org")
        .order_by("org__code")
    )
