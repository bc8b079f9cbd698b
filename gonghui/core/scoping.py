"""Scoped access: which orgs an actor may act on for a permission (R1). Selectors and services
call these; a view never builds an org filter itself."""

from __future__ import annotations

from functools import reduce
from operator import or_

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q, QuerySet
from django.http import Http404

from gonghui.core.models import Org, RoleAssignment, User
from gonghui.core.permissions import ROLES, ROOT_ONLY, Perm

Actor = User | AnonymousUser


def grants_for(actor: Actor, perm: Perm) -> list[RoleAssignment]:
    """The actor's role assignments that carry `perm`: one query per request, kept on the
    user object that the request (or the test) holds."""
    if not actor.is_authenticated:
        return []
    assignments: list[RoleAssignment] | None = getattr(actor, "_gonghui_grants", None)
    if assignments is None:
        assignments = list(RoleAssignment.objects.filter(user=actor).select_related("org"))
        setattr(actor, "_gonghui_grants", assignments)  # noqa: B010  # memo; typed away
    return [
        a
        for a in assignments
        if perm in ROLES[a.role].perms and (perm not in ROOT_ONLY or a.org.is_root)
    ]


def actor_can(actor: Actor, perm: Perm, org: Org | None = None) -> bool:
    """True when the actor holds `perm` at `org` or above it; with no org, anywhere."""
    grants = grants_for(actor, perm)
    if org is None:
        return bool(grants)
    return any(org.path.startswith(grant.org.path) for grant in grants)


def orgs_for(actor: Actor, perm: Perm) -> QuerySet[Org]:
    """Every org in the subtrees where the actor holds `perm` (none for anonymous)."""
    grants = grants_for(actor, perm)
    if not grants:
        return Org.objects.none()
    return Org.objects.filter(reduce(or_, (Q(path__startswith=g.org.path) for g in grants)))


def org_scope_q(actor: Actor, perm: Perm, field: str = "org") -> Q:
    """A filter for rows owned by an org in the actor's scope; matches nothing when out of it."""
    grants = grants_for(actor, perm)
    if not grants:
        return Q(pk__in=[])
    return reduce(or_, (Q(**{f"{field}__path__startswith": g.org.path}) for g in grants))


def ancestor_paths(org: Org) -> list[str]:
    """The paths of the org and every org above it ('/1/4/17/' → '/1/', '/1/4/', '/1/4/17/'):
    what reaches an org from above is one `path__in` filter."""
    parts = [p for p in org.path.split("/") if p]
    return ["/" + "/".join(parts[: n + 1]) + "/" for n in range(len(parts))]


def org_line_q(actor: Actor, *perms: Perm, field: str = "org") -> Q:
    """Rows owned by an org on the line of any org where the actor holds one of `perms`: in
    its subtree, or above it (a city's contest or vote is open to a grassroots union's
    members). Matches nothing without such a grant."""
    grants = [g for perm in perms for g in grants_for(actor, perm)]
    if not grants:
        return Q(pk__in=[])
    above = {p for g in grants for p in ancestor_paths(g.org)}
    below = reduce(or_, (Q(**{f"{field}__path__startswith": g.org.path}) for g in grants))
    return below | Q(**{f"{field}__path__in": above})


def require(actor: Actor, perm: Perm, org: Org | None = None) -> None:
    """Missing and forbidden look the same from outside: both are a 404."""
    if not actor_can(actor, perm, org):
        raise Http404


def roles_of(actor: Actor) -> list[RoleAssignment]:
    if not actor.is_authenticated:
        return []
    grants_for(actor, Perm.HOME_VIEW)  # loads the memo
    assignments: list[RoleAssignment] = getattr(actor, "_gonghui_grants", [])
    return assignments
