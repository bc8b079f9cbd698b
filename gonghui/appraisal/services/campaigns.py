"""Appraisal campaigns and their candidates: a campaign with its rules as data, nominations by
unions (or by the worker where the campaign allows it), and the eligibility check by the
campaign's staff (member, years of service), which numbers the candidates and opens their
tally. The check is one decision at the campaign's org, not an approval chain, so it is a
service here rather than a `review` program (chains climb two levels or more)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.appraisal.models import (
    TALLY_SHARDS,
    Campaign,
    Candidate,
    CandidateState,
    CountDisplay,
    TallyShard,
)
from gonghui.core.models import Org, User
from gonghui.core.permissions import Perm
from gonghui.core.scoping import actor_can, grants_for
from gonghui.core.services import audit_record
from gonghui.orgs.models import MembershipState, Person
from gonghui.orgs.selectors import standing_membership


def _require(actor: User, perm: Perm, org: Org) -> None:
    if not actor_can(actor, perm, org):
        raise PermissionDenied


@transaction.atomic
def campaign_create(
    *,
    actor: User,
    org: Org,
    title: str,
    nominations_close: dt.datetime,
    voting_starts: dt.datetime,
    voting_ends: dt.datetime,
    description: str = "",
    votes_per_day: int = 5,
    self_nomination: bool = False,
    min_years: int = 1,
    count_display: CountDisplay = CountDisplay.LIVE,
    public_weight: Decimal = Decimal("0.40"),
    shortlist_only: bool = False,
    winners: int = 30,
) -> Campaign:
    """A campaign run by a federation (APPRAISAL_MANAGE at its org), refused with every fault
    named: times out of order (nominations close by the start of voting), an allowance
    outside 1..20 votes a day, a public weight outside [0, 1) (R22: a jury always scores),
    no winners."""
    _require(actor, Perm.APPRAISAL_MANAGE, org)
    faults = []
    if not title.strip():
        faults.append(_("A campaign needs a title."))
    if not nominations_close <= voting_starts < voting_ends:
        faults.append(
            _("Nominations close by the start of voting, and voting ends after it starts.")
        )
    if not 1 <= votes_per_day <= 20:
        faults.append(_("A voter may have 1 to 20 votes a day."))
    if not Decimal(0) <= public_weight < Decimal(1):  # R22: never the vote alone
        faults.append(
            _("The public vote's weight is at least 0 and below 1: a jury always scores.")
        )
    if winners < 1:
        faults.append(_("At least one worker is recognised."))
    if faults:
        raise ValidationError(faults, code="campaign")
    campaign = Campaign.objects.create(
        org=org,
        title=title.strip()[:200],
        description=description.strip(),
        nominations_close=nominations_close,
        voting_starts=voting_starts,
        voting_ends=voting_ends,
        votes_per_day=votes_per_day,
        self_nomination=self_nomination,
        min_years=min_years,
        count_display=count_display,
        public_weight=public_weight,
        shortlist_only=shortlist_only,
        winners=winners,
        created_by=actor,
    )
    audit_record(
        actor=actor,
        action="appraisal.campaign_create",
        org=org,
        obj=campaign,
        after={"title": campaign.title, "votes_per_day": votes_per_day},
    )
    return campaign


def years_of_service(person: Person, on: dt.date) -> int:
    membership = standing_membership(person)
    if membership is None or membership.start_date is None:
        return 0
    start = membership.start_date
    return on.year - start.year - ((on.month, on.day) < (start.month, start.day))


def _eligibility_faults(campaign: Campaign, person: Person) -> list[str]:
    values = {"name": person.name}
    membership = standing_membership(person)
    faults = []
    if membership is None or membership.state != MembershipState.ACTIVE:
        faults.append(_("%(name)s is not a current union member.") % values)
    elif not membership.org.path.startswith(campaign.org.path):
        faults.append(
            _("%(name)s's union is not under %(org)s.") % {**values, "org": campaign.org.name}
        )
    years = years_of_service(person, timezone.localtime(campaign.voting_starts).date())
    if years < campaign.min_years:
        faults.append(
            _("%(name)s has %(years)s years of membership; this appraisal asks for %(min)s.")
            % {**values, "years": years, "min": campaign.min_years}
        )
    if not (person.employer_id or person.employer_name.strip() or person.platform.strip()):
        faults.append(_("%(name)s has no employer or platform on file.") % values)
    return faults


@transaction.atomic
def nomination_submit(
    *, actor: User, campaign: Campaign, person: Person, story: str, photo: object = None
) -> Candidate:
    """A nomination by the person's union or a federation above it (CASE_OPEN there), or by
    the worker themself where the campaign allows it, until nominations close. The story is
    required; the photo (already re-encoded by the caller's form) is optional."""
    now = timezone.now()
    if now > campaign.nominations_close:
        raise ValidationError(_("Nominations for this appraisal are closed."), code="closed")
    membership = standing_membership(person)
    if membership is None:
        raise ValidationError(
            _("%(name)s is not a current union member.") % {"name": person.name}, code="member"
        )
    own = person.user_id is not None and person.user_id == actor.pk
    if own and not campaign.self_nomination:
        raise ValidationError(
            _("This appraisal takes nominations from unions only."), code="no_self_nomination"
        )
    if not own and not actor_can(actor, Perm.CASE_OPEN, membership.org):
        raise PermissionDenied
    if not story.strip():
        raise ValidationError(_("Tell the worker's story: voters read it."), code="story")
    nominator = membership.org if own else _nominating_org(actor, membership.org)
    employer = person.employer.name if person.employer is not None else person.employer_name
    try:
        with transaction.atomic():
            candidate = Candidate.objects.create(
                campaign=campaign,
                person=person,
                nominated_by_org=nominator,
                nominated_by=actor,
                self_nominated=own,
                employer=(employer or person.platform)[:120],
                story=story.strip(),
            )
    except IntegrityError as exc:
        raise ValidationError(
            _("%(name)s is nominated already.") % {"name": person.name}, code="duplicate"
        ) from exc
    if photo is not None:
        candidate.photo = photo
        candidate.save(update_fields=["photo"])
    audit_record(
        actor=actor,
        action="appraisal.nomination_submit",
        org=nominator,
        obj=candidate,
        after={"person": person.pk, "self": own},
    )
    return candidate


def _nominating_org(actor: User, union: Org) -> Org:
    """The lowest org on the union's line where the actor nominates: the union itself, or
    the industry federation above it."""
    line = [union]
    while line[-1].parent is not None:
        line.append(line[-1].parent)
    held = {g.org.pk for g in grants_for(actor, Perm.CASE_OPEN)}
    return next((org for org in line if org.pk in held), union)


def eligibility_faults(candidate: Candidate) -> list[str]:
    return _eligibility_faults(candidate.campaign, candidate.person)


@transaction.atomic
def candidate_decide(
    *, actor: User, candidate: Candidate, approve: bool, reason: str = ""
) -> Candidate:
    """The campaign's staff check a nomination (APPRAISAL_MANAGE at the campaign's org).
    Approval is refused while an eligibility fault stands; it gives the candidate the next
    public number and opens its tally. A refusal needs a reason, which the nominator sees."""
    candidate = (
        Candidate.objects.select_for_update(of=("self",))
        .select_related("campaign__org", "person")
        .get(pk=candidate.pk)
    )
    campaign = candidate.campaign
    _require(actor, Perm.APPRAISAL_MANAGE, campaign.org)
    if candidate.state != CandidateState.NOMINATED:
        raise ValidationError(_("This nomination is decided already."), code="decided")
    if approve:
        faults = _eligibility_faults(campaign, candidate.person)
        if faults:
            raise ValidationError(faults, code="not_eligible")
        Campaign.objects.select_for_update().filter(pk=campaign.pk).first()  # numbers in order
        top = Candidate.objects.filter(campaign=campaign).aggregate(n=Max("number"))["n"] or 0
        candidate.number = top + 1
        candidate.state = CandidateState.APPROVED
        TallyShard.objects.bulk_create(
            TallyShard(candidate=candidate, shard=n) for n in range(TALLY_SHARDS)
        )
    else:
        if not reason.strip():
            raise ValidationError(_("Give the reason; the nominator sees it."), code="reason")
        candidate.state = CandidateState.REFUSED
    candidate.reason = reason.strip()
    candidate.save(update_fields=["state", "number", "reason"])
    audit_record(
        actor=actor,
        action="appraisal.candidate_decide",
        org=campaign.org,
        obj=candidate,
        after={"state": candidate.state, "number": candidate.number},
        reason=candidate.reason,
    )
    return candidate
