"""Every read in core, already scoped to the actor."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet

from gonghui.core.models import AuditEntry, CalendarYear, Org
from gonghui.core.permissions import Perm
from gonghui.core.scoping import Actor, org_scope_q, orgs_for


def audit_entries_for(
    *,
    actor: Actor,
    action: str = "",
    org: Org | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> QuerySet[AuditEntry]:
    """Entries of orgs in the actor's audit scope; entries tied to no org only for those who
    hold audit.view at a root (the whole city)."""
    scope = org_scope_q(actor, Perm.AUDIT_VIEW)
    if orgs_for(actor, Perm.AUDIT_VIEW).filter(parent=None).exists():
        scope |= Q(org__isnull=True)
    entries = AuditEntry.objects.filter(scope).select_related("org", "content_type")
    if action:
        entries = entries.filter(action__startswith=action)
    if org is not None:
        entries = entries.filter(org__path__startswith=org.path)
    if date_from is not None:
        entries = entries.filter(at__date__gte=date_from)
    if date_to is not None:
        entries = entries.filter(at__date__lte=date_to)
    return entries


def calendar_year_for(*, year: int) -> CalendarYear | None:
    return CalendarYear.objects.filter(year=year).prefetch_related("days").first()
