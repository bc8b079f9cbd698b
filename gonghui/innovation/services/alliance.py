"""Every write about the studios' alliance (联盟): its member studios, expert advisors,
volunteer squads, and the service requests firms and studios send it."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.core.models import Org, User
from gonghui.core.notify import notify
from gonghui.core.permissions import Perm
from gonghui.core.scoping import actor_can, ancestor_paths
from gonghui.core.services import audit_record
from gonghui.innovation.models import (
    Advisor,
    Alliance,
    AllianceMember,
    AllianceTier,
    MemberState,
    RequestState,
    ServiceRequest,
    Squad,
    Studio,
    StudioState,
)
from gonghui.orgs.models import Person


def _require(actor: User, perm: Perm, org: Org) -> None:
    if not actor_can(actor, perm, org):
        raise PermissionDenied


def alliance_above(org: Org) -> Alliance | None:
    """The nearest alliance at or above the org."""
    return (
        Alliance.objects.filter(org__path__in=ancestor_paths(org))
        .select_related("org")
        .order_by("-org__level")
        .first()
    )


@transaction.atomic
def alliance_create(*, actor: User, org: Org, name: str) -> Alliance:
    _require(actor, Perm.INNOVATION_MANAGE, org)
    if Alliance.objects.filter(org=org).exists():
        raise ValidationError(_("This organisation has an alliance already."), code="duplicate")
    alliance = Alliance.objects.create(org=org, name=name.strip()[:120])
    audit_record(actor=actor, action="innovation.alliance_create", org=org, obj=alliance)
    return alliance


# --- Member studios ---------------------------------------------------------------------------


def alliance_join_on_naming(studio: Studio) -> AllianceMember | None:
    """A city-level studio joins the alliance above it when it is named (the naming case's
    consequence, in its transaction)."""
    alliance = alliance_above(studio.org)
    if alliance is None or AllianceMember.objects.filter(studio=studio).exists():
        return None
    seat = AllianceMember.objects.create(
        alliance=alliance, studio=studio, state=MemberState.MEMBER, decided_at=timezone.now()
    )
    audit_record(
        actor=None,
        action="innovation.alliance_join",
        org=alliance.org,
        obj=seat,
        after={"studio": studio.pk, "automatic": True},
    )
    return seat


@transaction.atomic
def alliance_apply(*, actor: User, studio: Studio) -> AllianceMember:
    """A named studio asks to join the alliance; staff accept it."""
    if not (
        actor_can(actor, Perm.CASE_OPEN, studio.org)
        or actor_can(actor, Perm.INNOVATION_MANAGE, studio.org)
    ):
        raise PermissionDenied
    if studio.state != StudioState.NAMED:
        raise ValidationError(_("Only a named studio joins the alliance."), code="state")
    alliance = alliance_above(studio.org)
    if alliance is None:
        raise ValidationError(_("There is no alliance above this union."), code="alliance")
    seat = AllianceMember.objects.filter(studio=studio).first()
    if seat is not None and seat.state != MemberState.REFUSED:
        raise ValidationError(_("This studio has applied or is a member already."), code="dup")
    if seat is None:
        seat = AllianceMember.objects.create(alliance=alliance, studio=studio)
    else:
        seat.state, seat.decided_by, seat.decided_at = MemberState.APPLIED, None, None
        seat.applied_at = timezone.now()
        seat.save()
    audit_record(actor=actor, action="innovation.alliance_apply", org=studio.org, obj=seat)
    return seat


@transaction.atomic
def alliance_member_decide(
    *, actor: User, seat: AllianceMember, accept: bool, tier: str = AllianceTier.ORDINARY
) -> AllianceMember:
    """Staff of the alliance's org accept or refuse an application, or set a member's tier
    (core or ordinary)."""
    seat = (
        AllianceMember.objects.select_for_update().select_related("alliance__org").get(pk=seat.pk)
    )
    _require(actor, Perm.INNOVATION_MANAGE, seat.alliance.org)
    before = {"state": seat.state, "tier": seat.tier}
    if seat.state == MemberState.REFUSED:
        raise ValidationError(_("This application was refused."), code="state")
    seat.state = MemberState.MEMBER if accept else MemberState.REFUSED
    seat.tier = tier
    seat.decided_by = actor
    seat.decided_at = timezone.now()
    seat.save()
    audit_record(
        actor=actor,
        action="innovation.alliance_member_decide",
        org=seat.alliance.org,
        obj=seat,
        before=before,
        after={"state": seat.state, "tier": seat.tier},
    )
    return seat


# --- Advisors and squads ----------------------------------------------------------------------


@transaction.atomic
def advisor_add(
    *, actor: User, alliance: Alliance, person: Person, field: str, note: str = ""
) -> Advisor:
    _require(actor, Perm.INNOVATION_MANAGE, alliance.org)
    if Advisor.objects.filter(alliance=alliance, person=person).exists():
        raise ValidationError(_("%(name)s advises already.") % {"name": person.name})
    advisor = Advisor.objects.create(
        alliance=alliance, person=person, field=field, note=note.strip()[:200]
    )
    audit_record(actor=actor, action="innovation.advisor_add", org=alliance.org, obj=advisor)
    return advisor


@transaction.atomic
def squad_create(
    *, actor: User, alliance: Alliance, name: str, speciality: str, leader: str = ""
) -> Squad:
    _require(actor, Perm.INNOVATION_MANAGE, alliance.org)
    name = name.strip()
    if not name or Squad.objects.filter(alliance=alliance, name=name).exists():
        raise ValidationError(_("Give the squad a name of its own."), code="name")
    squad = Squad.objects.create(
        alliance=alliance, name=name[:80], speciality=speciality.strip()[:80], leader=leader[:40]
    )
    audit_record(actor=actor, action="innovation.squad_create", org=alliance.org, obj=squad)
    return squad


@transaction.atomic
def squad_close(*, actor: User, squad: Squad) -> Squad:
    """A closed squad takes no more requests; the ones it holds stay with it."""
    squad = Squad.objects.select_for_update().select_related("alliance__org").get(pk=squad.pk)
    _require(actor, Perm.INNOVATION_MANAGE, squad.alliance.org)
    if squad.closed_on is not None:
        raise ValidationError(_("This squad is closed already."), code="closed")
    squad.closed_on = timezone.localdate()
    squad.save(update_fields=["closed_on"])
    audit_record(actor=actor, action="innovation.squad_close", org=squad.alliance.org, obj=squad)
    return squad


# --- Service requests -------------------------------------------------------------------------


@transaction.atomic
def request_open(
    *,
    actor: User,
    org: Org,
    kind: str,
    description: str,
    contact: str = "",
    studio: Studio | None = None,
) -> ServiceRequest:
    """A firm's union (or a studio's host union) asks the alliance above it for help."""
    _require(actor, Perm.INNOVATION_VIEW, org)
    description = description.strip()
    if not description:
        raise ValidationError(_("Say what help is needed."), code="description")
    if studio is not None and studio.org_id != org.pk:
        raise ValidationError(_("That studio is not at this union."), code="studio")
    alliance = alliance_above(org)
    if alliance is None:
        raise ValidationError(_("There is no alliance above this union yet."), code="alliance")
    request = ServiceRequest.objects.create(
        org=org,
        alliance=alliance,
        studio=studio,
        kind=kind,
        description=description[:4000],
        contact=contact.strip()[:60],
        requested_by=actor,
    )
    audit_record(
        actor=actor,
        action="innovation.request_open",
        org=org,
        obj=request,
        after={"kind": kind, "studio": studio.pk if studio else None},
    )
    return request


def _locked_request(request: ServiceRequest) -> ServiceRequest:
    return (
        ServiceRequest.objects.select_for_update(of=("self",))
        .select_related("org", "alliance")
        .get(pk=request.pk)
    )


@transaction.atomic
def request_assign(
    *,
    actor: User,
    request: ServiceRequest,
    squad: Squad | None = None,
    advisor: Advisor | None = None,
) -> ServiceRequest:
    """Staff give an open (or assigned) request to one squad or one advisor of the alliance.
    A closed squad takes no requests."""
    request = _locked_request(request)
    _require(actor, Perm.INNOVATION_MANAGE, request.org)
    if request.state not in (RequestState.OPEN, RequestState.ASSIGNED):
        raise ValidationError(_("Only an open or assigned request is assigned."), code="state")
    if (squad is None) == (advisor is None):
        raise ValidationError(_("Choose one squad or one advisor."), code="assignee")
    if squad is not None:
        # Read the squad as it is now, locked: a squad closed meanwhile takes nothing.
        squad = Squad.objects.select_for_update().get(pk=squad.pk)
        if squad.alliance_id != request.alliance_id:
            raise ValidationError(_("That squad is not in this alliance."), code="assignee")
        if squad.closed_on is not None:
            raise ValidationError(
                _("%(squad)s is closed: a closed squad takes no requests.") % {"squad": squad.name},
                code="squad_closed",
            )
    if advisor is not None and advisor.alliance_id != request.alliance_id:
        raise ValidationError(_("That advisor is not in this alliance."), code="assignee")
    before = {"state": request.state, "squad": request.squad_id, "advisor": request.advisor_id}
    request.squad, request.advisor, request.state = squad, advisor, RequestState.ASSIGNED
    request.save(update_fields=["squad", "advisor", "state"])
    audit_record(
        actor=actor,
        action="innovation.request_assign",
        org=request.org,
        obj=request,
        before=before,
        after={"squad": request.squad_id, "advisor": request.advisor_id},
    )
    return request


@transaction.atomic
def request_start(*, actor: User, request: ServiceRequest) -> ServiceRequest:
    """The assignee has started on it: assigned → in progress."""
    request = _locked_request(request)
    _require(actor, Perm.INNOVATION_MANAGE, request.org)
    if request.state != RequestState.ASSIGNED:
        raise ValidationError(_("Only an assigned request moves to in progress."), code="state")
    request.state = RequestState.IN_PROGRESS
    request.save(update_fields=["state"])
    audit_record(actor=actor, action="innovation.request_start", org=request.org, obj=request)
    return request


@transaction.atomic
def request_close(*, actor: User, request: ServiceRequest, outcome: str) -> ServiceRequest:
    """Closes an assigned or in-progress request with its outcome, which the asker sees;
    a request is never closed without one."""
    request = _locked_request(request)
    _require(actor, Perm.INNOVATION_MANAGE, request.org)
    if request.state not in (RequestState.ASSIGNED, RequestState.IN_PROGRESS):
        raise ValidationError(_("Only an assigned request in hand is closed."), code="state")
    outcome = outcome.strip()
    if not outcome:
        raise ValidationError(
            _("Record the outcome: a request is closed only with its outcome."), code="outcome"
        )
    request.state = RequestState.CLOSED
    request.outcome = outcome[:4000]
    request.closed_at = timezone.now()
    request.save(update_fields=["state", "outcome", "closed_at"])
    audit_record(
        actor=actor,
        action="innovation.request_close",
        org=request.org,
        obj=request,
        after={"outcome": request.outcome},
    )
    notify(
        recipient=request.requested_by,
        subject=_("Your request to the alliance is closed"),
        body=request.outcome,
        url=f"/innovation/requests/{request.pk}/",
    )
    return request
