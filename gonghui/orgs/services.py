"""Every write about enterprises, people and memberships (R2–R4). Each is atomic, checked and
audited; the database's constraints back the one-current-membership rule against races."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.core.models import Org, OrgKind, User
from gonghui.core.notify import notify
from gonghui.core.permissions import Perm
from gonghui.core.personal_data import (
    credit_code_validate,
    lookup_hash,
    resident_id_birth_date,
    resident_id_sex,
    resident_id_validate,
)
from gonghui.core.scoping import actor_can
from gonghui.core.services import audit_record
from gonghui.core.workdays import add_working_days
from gonghui.orgs.models import (
    CURRENT_STATES,
    Enterprise,
    Membership,
    MembershipState,
    Person,
    SkillGradeChange,
    SkillGradeSource,
)

UNION_KINDS = (OrgKind.GRASSROOTS_UNION, OrgKind.JOINT_UNION)


def _require(actor: User | None, perm: Perm, org: Org) -> None:
    if actor is not None and not actor_can(actor, perm, org):
        raise PermissionDenied


def _require_union(org: Org) -> None:
    if org.kind not in UNION_KINDS:
        raise ValidationError(
            _("Members belong to a grassroots or joint union, not to %(org)s.") % {"org": org.name}
        )


@transaction.atomic
def enterprise_create(
    *,
    actor: User | None,
    name: str,
    credit_code: str,
    ownership: str,
    union: Org,
    industry: str = "",
    size: str = "",
) -> Enterprise:
    """An employer under a grassroots union; its credit code must pass GB 32100 (R4)."""
    _require(actor, Perm.ORG_MANAGE, union)
    code = credit_code_validate(credit_code)
    if Enterprise.objects.filter(credit_code=code).exists():
        raise ValidationError(_("An enterprise with this credit code exists already."))
    enterprise = Enterprise.objects.create(
        name=name,
        credit_code=code,
        ownership=ownership,
        industry=industry,
        size=size,
        union=union,
    )
    audit_record(
        actor=actor,
        action="enterprise.create",
        org=union,
        obj=enterprise,
        after={"name": name, "credit_code": code},
    )
    return enterprise


def person_fields_check(
    id_number: str, *, sex: str | None = None, birth_date: dt.date | None = None
) -> tuple[str, str, dt.date]:
    """The canonical ID number, sex and birth date: given values must agree with the ID (R4);
    missing ones are read from it."""
    number = resident_id_validate(id_number, birth_date=birth_date, sex=sex)  # type: ignore[arg-type]  # "M"/"F" checked by the validator
    born = resident_id_birth_date(number)
    from gonghui.orgs.roster.checking import sixteen_years_before

    if born > sixteen_years_before(timezone.localdate()):
        raise ValidationError(_("Under 16: too young to join the union."), code="age")
    return number, resident_id_sex(number), born


def person_find(id_number: str) -> Person | None:
    return Person.objects.filter(id_hash=lookup_hash(id_number)).first()


@transaction.atomic
def person_create(
    *, actor: User | None, org: Org | None, id_number: str, name: str, **fields: Any
) -> Person:
    """A new person keyed by resident ID (R2, R4); refused if the ID is known already."""
    number, sex, birth = person_fields_check(
        id_number,
        sex=fields.pop("sex", None) or None,
        birth_date=fields.pop("birth_date", None),
    )
    if Person.objects.filter(id_hash=lookup_hash(number)).exists():
        raise ValidationError(_("A person with this ID number is registered already."))
    person = Person.objects.create(
        id_hash=lookup_hash(number),
        id_number=number,
        name=name.strip(),
        sex=sex,
        birth_date=birth,
        **fields,
    )
    audit_record(actor=actor, action="person.create", org=org, obj=person)
    return person


def _current(person: Person) -> Membership | None:
    return (
        Membership.objects.select_for_update()
        .filter(person=person, state__in=CURRENT_STATES)
        .select_related("org")
        .first()
    )


def _save_guarded(membership: Membership, message: str) -> None:
    """The partial unique indexes catch what a concurrent request slipped past our check."""
    try:
        with transaction.atomic():
            membership.save()
    except IntegrityError as exc:
        raise ValidationError(message) from exc


@transaction.atomic
def membership_admit(
    *, actor: User | None, person: Person, org: Org, start_date: dt.date | None = None
) -> Membership:
    """A union registers a member directly (R3: "or a union registers a group")."""
    _require(actor, Perm.MEMBER_MANAGE, org)
    _require_union(org)
    current = _current(person)
    if current is not None:
        raise ValidationError(
            _("%(name)s is already a member of %(org)s; transfer the membership instead.")
            % {"name": person.name, "org": current.org.name}
        )
    start = start_date or timezone.localdate()
    last_end = (
        Membership.objects.filter(person=person, end_date__isnull=False)
        .order_by("-end_date")
        .values_list("end_date", flat=True)
        .first()
    )
    if last_end is not None and start < last_end:
        raise ValidationError(
            _("The joining date is before the end of this person's last membership (%(date)s).")
            % {"date": last_end.isoformat()}
        )
    membership = Membership(
        org=org,
        person=person,
        state=MembershipState.ACTIVE,
        start_date=start,
        decided_at=timezone.now(),
        decided_by=actor,
    )
    _save_guarded(membership, _("This person became a member elsewhere a moment ago."))
    audit_record(
        actor=actor,
        action="membership.admit",
        org=org,
        obj=membership,
        after={"person": person.pk, "start_date": membership.start_date},
    )
    return membership


def application_status(person: Person) -> Membership | None:
    """The person's open application, or else their current membership, for telling them
    where they stand."""
    return (
        Membership.objects.filter(person=person, state=MembershipState.APPLIED)
        .select_related("org")
        .first()
        or Membership.objects.filter(person=person, state__in=CURRENT_STATES)
        .select_related("org")
        .first()
    )


@transaction.atomic
def membership_apply(*, person: Person, org: Org, actor: User | None = None) -> Membership:
    """A worker applies to join online (R3); the union must decide within its deadline in
    working days (3 by default), counted by the official calendar."""
    _require_union(org)
    standing = application_status(person)
    if standing is not None and standing.state == MembershipState.APPLIED:
        raise ValidationError(
            _("You applied to %(org)s on %(date)s; the union decides by %(deadline)s.")
            % {
                "org": standing.org.name,
                "date": timezone.localtime(standing.applied_at).date()
                if standing.applied_at
                else "",
                "deadline": standing.decide_by,
            }
        )
    if standing is not None:
        raise ValidationError(
            _("You are already a member of %(org)s.") % {"org": standing.org.name}
        )
    now = timezone.now()
    membership = Membership(
        org=org,
        person=person,
        state=MembershipState.APPLIED,
        applied_at=now,
        decide_by=add_working_days(timezone.localdate(now), org.join_decision_days).date,
    )
    _save_guarded(membership, _("An application for this person arrived a moment ago."))
    audit_record(actor=actor, action="membership.apply", org=org, obj=membership)
    return membership


def _open_application(membership: Membership) -> Membership:
    locked = (
        Membership.objects.select_for_update(of=("self", "person"))
        .select_related("person", "org")
        .get(pk=membership.pk)
    )
    if locked.state != MembershipState.APPLIED:
        raise ValidationError(_("This application has been decided already."))
    return locked


@transaction.atomic
def membership_approve(*, actor: User, membership: Membership) -> Membership:
    """The union admits an applicant (R3)."""
    _require(actor, Perm.MEMBER_MANAGE, membership.org)
    application = _open_application(membership)
    current = _current(application.person)
    if current is not None:
        raise ValidationError(
            _("%(name)s is already a member of %(org)s; transfer the membership instead.")
            % {"name": application.person.name, "org": current.org.name}
        )
    application.state = MembershipState.ACTIVE
    application.start_date = timezone.localdate()
    application.decided_at = timezone.now()
    application.decided_by = actor
    _save_guarded(application, _("This person became a member elsewhere a moment ago."))
    audit_record(actor=actor, action="membership.approve", org=application.org, obj=application)
    notify(
        recipient=application.person.user,
        subject=_("Welcome to %(org)s") % {"org": application.org.name},
        url="/me/membership/",
    )
    return application


@transaction.atomic
def membership_refuse(*, actor: User, membership: Membership, reason: str) -> Membership:
    """The union refuses an applicant, with a reason the applicant sees (R3)."""
    _require(actor, Perm.MEMBER_MANAGE, membership.org)
    if not reason.strip():
        raise ValidationError(_("Give the reason for refusing; the applicant will see it."))
    application = _open_application(membership)
    application.state = MembershipState.REFUSED
    application.reason = reason.strip()
    application.decided_at = timezone.now()
    application.decided_by = actor
    application.save()
    audit_record(
        actor=actor,
        action="membership.refuse",
        org=application.org,
        obj=application,
        reason=application.reason,
    )
    notify(
        recipient=application.person.user,
        subject=_("Your application to %(org)s is refused") % {"org": application.org.name},
        body=application.reason,
        url="/me/membership/",
    )
    return application


def _locked_current(membership: Membership) -> Membership:
    locked = (
        Membership.objects.select_for_update(of=("self", "person"))
        .select_related("person", "org")
        .get(pk=membership.pk)
    )
    if locked.state not in CURRENT_STATES:
        raise ValidationError(_("This membership has ended already."))
    return locked


@transaction.atomic
def membership_transfer(
    *,
    actor: User,
    membership: Membership,
    to_org: Org,
    on: dt.date | None = None,
    reason: str = "",
) -> Membership:
    """Moves a member to another union in one step (R2): the old membership ends the day the
    new one starts, so there is neither gap nor overlap."""
    _require(actor, Perm.MEMBER_MANAGE, membership.org)
    _require_union(to_org)
    old = _locked_current(membership)
    if to_org.pk == old.org_id:
        raise ValidationError(_("The member belongs to this union already."))
    day = on or timezone.localdate()
    if day < old.start_date:  # type: ignore[operator]  # a current membership has a start
        raise ValidationError(_("A transfer cannot be dated before the membership began."))
    if day > timezone.localdate():
        raise ValidationError(_("A transfer cannot be dated in the future."))
    old.state = MembershipState.TRANSFERRED
    old.end_date = day
    old.reason = reason
    old.save()
    new = Membership(
        org=to_org,
        person=old.person,
        state=MembershipState.ACTIVE,
        start_date=day,
        decided_at=timezone.now(),
        decided_by=actor,
        reason=reason,
    )
    _save_guarded(new, _("This person became a member elsewhere a moment ago."))
    audit_record(
        actor=actor,
        action="membership.transfer",
        org=old.org,
        obj=old,
        after={"to_org": to_org.pk, "on": day},
        reason=reason,
    )
    audit_record(
        actor=actor,
        action="membership.transfer_in",
        org=to_org,
        obj=new,
        before={"from_org": old.org_id},
        reason=reason,
    )
    return new


@transaction.atomic
def membership_retain(*, actor: User, membership: Membership, reason: str) -> Membership:
    """A retired or unemployed member keeps a retained membership (R2): no dues, no vote."""
    _require(actor, Perm.MEMBER_MANAGE, membership.org)
    current = _locked_current(membership)
    if current.state == MembershipState.RETAINED:
        raise ValidationError(_("This membership is retained already."))
    current.state = MembershipState.RETAINED
    current.reason = reason
    current.save()
    audit_record(
        actor=actor, action="membership.retain", org=current.org, obj=current, reason=reason
    )
    return current


@transaction.atomic
def membership_end(
    *, actor: User, membership: Membership, state: str, reason: str, on: dt.date | None = None
) -> Membership:
    """Withdrawal or expulsion: final states (R2), with the reason recorded."""
    _require(actor, Perm.MEMBER_MANAGE, membership.org)
    if state not in (MembershipState.WITHDRAWN, MembershipState.EXPELLED):
        raise ValidationError(_("A membership ends by withdrawal or expulsion."))
    if not reason.strip():
        raise ValidationError(_("Give the reason; it is kept in the member's history."))
    current = _locked_current(membership)
    current.state = state
    current.end_date = max(on or timezone.localdate(), current.start_date)  # type: ignore[type-var]  # set on current ones
    current.reason = reason.strip()
    current.save()
    audit_record(
        actor=actor,
        action=f"membership.{state}",
        org=current.org,
        obj=current,
        reason=current.reason,
    )
    return current


@transaction.atomic
def person_name_correct(*, person: Person, name: str) -> Person:
    """A person who has never been a member, whose only applications were refused, may apply
    again under a corrected name: the first applicant with an ID number does not fix its name
    for good. Anyone who has been a member changes their name through their union."""
    locked = Person.objects.select_for_update().get(pk=person.pk)
    if Membership.objects.filter(person=locked).exclude(state=MembershipState.REFUSED).exists():
        return locked
    before = locked.name
    locked.name = name.strip()[:40]
    locked.save(update_fields=["name"])
    audit_record(
        actor=None,
        action="person.name_correct",
        obj=locked,
        before={"name": before},
        after={"name": locked.name},
    )
    return locked


def person_reveal(*, actor: User, person: Person, org: Org) -> str:
    """The full ID number, for roles that need it; every such view is audited (R4, PIPL)."""
    _require(actor, Perm.PERSONAL_DATA_VIEW, org)
    audit_record(actor=actor, action="person.reveal", org=org, obj=person)
    return str(person.id_number)


# --- Skill grades (R19) -------------------------------------------------------------------------


@transaction.atomic
def skill_grade_promote(
    *, actor: User | None, person: Person, reason: str, source: str, source_ref: str
) -> SkillGradeChange:
    """R19: one skill grade up (5 is the entry grade, 1 the highest), recorded append-only and
    audited. Refused for a person with no grade recorded (one grade up from what is unknown)
    and at the top grade. Idempotent per `source_ref`: the same source (a contest) promotes a
    person once; asking again returns the change already made. The actor needs
    MEMBER_MANAGE at the person's current union; `actor=None` is a system call."""
    if source not in SkillGradeSource.values:
        raise ValidationError(_("Unknown source of a skill-grade change."), code="source")
    locked = Person.objects.select_for_update().get(pk=person.pk)
    current = _current(locked)
    union = current.org if current is not None else None
    if actor is not None and (union is None or not actor_can(actor, Perm.MEMBER_MANAGE, union)):
        raise PermissionDenied
    done: SkillGradeChange | None = SkillGradeChange.objects.filter(
        person=locked, source_ref=source_ref
    ).first()
    if done is not None:
        return done
    grade = locked.skill_grade
    if grade is None:
        raise ValidationError(
            _("%(name)s has no skill grade recorded to promote from.") % {"name": locked.name},
            code="no_grade",
        )
    if grade <= 1:
        raise ValidationError(
            _("%(name)s holds the highest skill grade already.") % {"name": locked.name},
            code="top_grade",
        )
    change = SkillGradeChange.objects.create(
        person=locked,
        from_grade=grade,
        to_grade=grade - 1,
        reason=reason,
        source=source,
        source_ref=source_ref,
        actor=actor,
    )
    locked.skill_grade = grade - 1
    locked.save(update_fields=["skill_grade"])
    person.skill_grade = locked.skill_grade
    audit_record(
        actor=actor,
        action="person.skill_grade_promote",
        org=union,
        obj=locked,
        before={"skill_grade": grade},
        after={"skill_grade": grade - 1, "source": source, "source_ref": source_ref},
        reason=reason,
    )
    return change
