"""Every write in core. Each function is keyword-only, takes the actor, runs atomically, checks
permission and records what it did through `audit_record`, the one audit helper."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import secrets
from collections.abc import Iterable, Mapping
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from gonghui.core.models import (
    ApiToken,
    AuditEntry,
    CalendarDay,
    CalendarYear,
    Org,
    OrgKind,
    RoleAssignment,
    User,
)
from gonghui.core.permissions import ROLES, Perm
from gonghui.core.scoping import actor_can

LEVEL_OF_KIND = {
    OrgKind.CITY_FEDERATION: 1,
    OrgKind.DISTRICT_FEDERATION: 2,
    OrgKind.STREET_FEDERATION: 3,
    OrgKind.INDUSTRY_FEDERATION: 3,
    OrgKind.GRASSROOTS_UNION: 4,
    OrgKind.JOINT_UNION: 4,
}


def _json_safe(data: Mapping[str, Any] | None) -> Any:
    """Dates, decimals and UUIDs become strings, as the JSON column needs."""
    if data is None:
        return None
    return json.loads(json.dumps(data, cls=DjangoJSONEncoder))


def audit_record(
    *,
    actor: User | None,
    action: str,
    org: Org | None = None,
    obj: models.Model | None = None,
    before: Mapping[str, Any] | None = None,
    after: Mapping[str, Any] | None = None,
    reason: str = "",
    ip_address: str | None = None,
) -> AuditEntry:
    """The one way anything is written to the audit log (R7): who, when, where, what, why."""
    return AuditEntry.objects.create(
        actor=actor,
        actor_label=str(actor) if actor is not None else _("system"),
        org=org,
        action=action,
        content_type=ContentType.objects.get_for_model(obj) if obj is not None else None,
        object_id=str(obj.pk) if obj is not None else "",
        object_repr=str(obj)[:200] if obj is not None else "",
        before=_json_safe(before),
        after=_json_safe(after),
        reason=reason,
        ip_address=ip_address,
    )


# --- Orgs and roles ---------------------------------------------------------------------------


@transaction.atomic
def org_create(
    *, actor: User | None, name: str, code: str, kind: str, parent: Org | None = None
) -> Org:
    """Adds a node under `parent` (R1). `actor=None` is the system (seeding); a person needs
    org.manage at the parent, and only the system creates a root."""
    if actor is not None and (parent is None or not actor_can(actor, Perm.ORG_MANAGE, parent)):
        raise PermissionDenied
    if (parent is None) != (kind == OrgKind.CITY_FEDERATION):
        raise ValidationError(_("Only a city federation sits at the root of the tree."))
    level = LEVEL_OF_KIND[OrgKind(kind)]
    if parent is not None and level <= parent.level:
        raise ValidationError(_("An organisation must sit below its parent's level."))
    org = Org.objects.create(name=name, code=code, kind=kind, parent=parent, level=level, path="")
    org.path = f"{parent.path if parent else '/'}{org.pk}/"
    org.save(update_fields=["path"])
    audit_record(
        actor=actor,
        action="org.create",
        org=org,
        obj=org,
        after={"name": name, "code": code, "kind": kind},
    )
    return org


ORG_EDITABLE = (
    "name",
    "chair_name",
    "contact_name",
    "contact_phone",
    "address",
    "join_decision_days",
)


@transaction.atomic
def org_update(*, actor: User, org: Org, **changes: Any) -> Org:
    """Edits an org's name, chair, contacts and join deadline (R1: within org.manage scope;
    R3: the deadline in working days is the union's own setting)."""
    if not actor_can(actor, Perm.ORG_MANAGE, org):
        raise PermissionDenied
    unknown = set(changes) - set(ORG_EDITABLE)
    if unknown:
        raise ValidationError(f"Not editable: {sorted(unknown)}")
    days = changes.get("join_decision_days")
    if days is not None and not 1 <= int(days) <= 30:
        raise ValidationError(_("The deadline is 1 to 30 working days."))
    before = {key: getattr(org, key) for key in changes}
    for key, value in changes.items():
        setattr(org, key, value)
    org.full_clean(exclude=["parent", "path", "level"])
    org.save(update_fields=list(changes))
    audit_record(actor=actor, action="org.update", org=org, obj=org, before=before, after=changes)
    return org


@transaction.atomic
def role_grant(*, actor: User | None, user: User, role: str, org: Org) -> RoleAssignment:
    """Gives `user` a role at `org`; a person may grant only within their org.manage scope."""
    if role not in ROLES:
        raise ValidationError(_("Unknown role."))
    if actor is not None and not actor_can(actor, Perm.ORG_MANAGE, org):
        raise PermissionDenied
    assignment, created = RoleAssignment.objects.get_or_create(user=user, role=role, org=org)
    if created:
        audit_record(
            actor=actor,
            action="role.grant",
            org=org,
            obj=assignment,
            after={"user": user.username, "role": role},
        )
    return assignment


# --- Working-day calendar ---------------------------------------------------------------------


@transaction.atomic
def calendar_year_enter(
    *,
    actor: User,
    year: int,
    holidays: Iterable[tuple[dt.date, str]],
    workdays: Iterable[tuple[dt.date, str]],
    source_note: str = "",
) -> CalendarYear:
    """Records a year's official arrangement as the State Council published it: public holidays
    that fall on weekdays count as days off, adjusted weekends as working days (R6 periods)."""
    if not actor_can(actor, Perm.CALENDAR_MANAGE):
        raise PermissionDenied
    holidays = list(dict(holidays).items())  # a day listed twice counts once
    workdays = list(dict(workdays).items())
    outside = sorted(d.isoformat() for d, _n in holidays + workdays if d.year != year)
    if outside:
        raise ValidationError(
            _("These dates are not in %(year)d: %(dates)s")
            % {"year": year, "dates": ", ".join(outside)}
        )
    clash = {d for d, _n in holidays} & {d for d, _n in workdays}
    if clash:
        raise ValidationError(
            _("A date cannot be both a holiday and a working day: %(dates)s")
            % {"dates": ", ".join(sorted(d.isoformat() for d in clash))}
        )
    existing = CalendarYear.objects.select_for_update().filter(year=year).first()
    before = None
    if existing is not None:
        before = {"days": [f"{d.date} {int(d.is_workday)} {d.name}" for d in existing.days.all()]}
        existing.delete()
    entry = CalendarYear.objects.create(year=year, entered_by=actor, source_note=source_note)
    CalendarDay.objects.bulk_create(
        [CalendarDay(year=entry, date=d, is_workday=False, name=n) for d, n in holidays]
        + [CalendarDay(year=entry, date=d, is_workday=True, name=n) for d, n in workdays]
    )
    root = Org.objects.filter(parent=None).first()
    audit_record(
        actor=actor,
        action="calendar.year_enter",
        org=root,
        obj=entry,
        before=before,
        after={"days": [f"{d} 0 {n}" for d, n in holidays] + [f"{d} 1 {n}" for d, n in workdays]},
        reason=source_note,
    )
    return entry


# --- API tokens -------------------------------------------------------------------------------


def api_token_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


@transaction.atomic
def api_token_create(*, actor: User, name: str) -> tuple[ApiToken, str]:
    """Issues a bearer token for the actor's own mobile client; the key is returned once."""
    key = "gh_" + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(user=actor, name=name[:60], key_hash=api_token_hash(key))
    audit_record(actor=actor, action="api_token.create", obj=token, after={"name": token.name})
    return token, key


@transaction.atomic
def api_token_revoke(*, actor: User, token: ApiToken) -> ApiToken:
    if token.user_id != actor.pk:
        raise PermissionDenied
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit_record(actor=actor, action="api_token.revoke", obj=token)
    return token


@transaction.atomic
def api_tokens_revoke_all(*, actor: User) -> int:
    """After a password change no old bearer token keeps working."""
    count = ApiToken.objects.filter(user=actor, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    if count:
        audit_record(actor=actor, action="api_token.revoke_all", obj=actor, after={"count": count})
    return count


def api_token_authenticate(key: str) -> User | None:
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=api_token_hash(key), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
    return token.user


# --- Two-factor login (TOTP) for staff --------------------------------------------------------


@transaction.atomic
def totp_device_start(*, actor: User) -> TOTPDevice:
    """A new, unconfirmed authenticator for the actor; any earlier unconfirmed one is dropped."""
    TOTPDevice.objects.filter(user=actor, confirmed=False).delete()
    return TOTPDevice.objects.create(user=actor, name=_("Authenticator app"), confirmed=False)


@transaction.atomic
def totp_device_confirm(*, actor: User, token: str) -> bool:
    """Turns two-factor login on once the actor proves the app shows the right code."""
    device = TOTPDevice.objects.filter(user=actor, confirmed=False).first()
    if device is None or not device.verify_token(token):
        return False
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    audit_record(actor=actor, action="totp.enable", obj=actor)
    return True


@transaction.atomic
def user_mobile_set(*, actor: User, mobile: str) -> User:
    """The mobile number the SMS channel reaches the person at; empty stops SMS."""
    mobile = "".join(mobile.split())
    if mobile and not re.fullmatch(r"1\d{10}", mobile):
        raise ValidationError(_("Enter an 11-digit mobile number."))
    before = {"mobile": bool(actor.mobile)}
    actor.mobile = mobile
    actor.save(update_fields=["mobile"])
    audit_record(
        actor=actor,
        action="user.mobile_set",
        obj=actor,
        before=before,
        after={"mobile": bool(mobile)},
    )
    return actor


@transaction.atomic
def totp_device_remove(*, actor: User, token: str) -> bool:
    """Turns two-factor login off; needs a current code so a stolen session cannot do it."""
    devices = list(TOTPDevice.objects.filter(user=actor, confirmed=True))
    if not any(device.verify_token(token) for device in devices):
        return False
    TOTPDevice.objects.filter(user=actor).delete()
    audit_record(actor=actor, action="totp.disable", obj=actor)
    return True
