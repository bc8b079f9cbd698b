"""Every read about orgs, enterprises, people and memberships, scoped to the actor (R1)."""

from __future__ import annotations

import re
from collections.abc import Iterable

from django.db.models import Count, Q, QuerySet, Sum
from django.http import Http404
from django.utils import timezone

from gonghui.core.models import Org
from gonghui.core.permissions import Perm
from gonghui.core.personal_data import lookup_hash
from gonghui.core.scoping import Actor, actor_can, grants_for, org_scope_q, orgs_for
from gonghui.orgs.models import (
    CURRENT_STATES,
    Enterprise,
    Membership,
    MembershipCount,
    MembershipState,
    Person,
    SkillGradeChange,
)

ID_LIKE = re.compile(r"^\d{17}[\dXx]$")
MAX_PK = 2**63 - 1  # a larger number in a URL is simply not found (PostgreSQL would refuse it)


def org_roots_for(actor: Actor, perm: Perm = Perm.ORG_VIEW) -> list[Org]:
    """The tops of the actor's scope: the orgs they hold `perm` at, without nested ones."""
    orgs = sorted({g.org for g in grants_for(actor, perm)}, key=lambda o: o.path)
    roots: list[Org] = []
    for org in orgs:
        if not any(org.path.startswith(root.path) for root in roots):
            roots.append(org)
    return roots


def org_get_for(actor: Actor, pk: int, perm: Perm = Perm.ORG_VIEW) -> Org:
    """One org in the actor's scope; out of scope and missing are both 404."""
    org = Org.objects.select_related("parent").filter(pk=pk).first() if 0 < pk <= MAX_PK else None
    if org is None or not actor_can(actor, perm, org):
        raise Http404
    return org


def org_children(*, org: Org) -> QuerySet[Org]:
    """An org's direct children, each with its number of sub-orgs and current members."""
    return (
        Org.objects.filter(parent=org)
        .annotate(
            child_count=Count("children", distinct=True),
        )
        .order_by("kind", "name")
    )


def org_search(*, actor: Actor, q: str, limit: int = 50) -> QuerySet[Org]:
    return (
        orgs_for(actor, Perm.ORG_VIEW)
        .filter(Q(name__icontains=q) | Q(code__iexact=q))
        .select_related("parent")
        .order_by("level", "name")[:limit]
    )


def member_total(*, scope: Q, states: Iterable[str]) -> int:
    """Memberships in the given states in the orgs matching `scope` (a Q on "org"), from the
    counters the database keeps (MembershipCount): a sum over a few hundred rows."""
    total = MembershipCount.objects.filter(scope, state__in=list(states)).aggregate(n=Sum("n"))["n"]
    return int(total or 0)


def org_children_members(*, org: Org) -> list[tuple[str, int]]:
    """Current members under each direct child of an org, from the kept counters, largest
    first: what the org page draws."""
    children = list(Org.objects.filter(parent=org).values_list("path", "name"))
    counts = MembershipCount.objects.filter(
        org__path__startswith=org.path, state__in=list(CURRENT_STATES)
    ).values_list("org__path", "n")
    totals = dict.fromkeys((path for path, _name in children), 0)
    for path, n in counts:
        for child_path in totals:
            if path.startswith(child_path):
                totals[child_path] += n
                break
    names = dict(children)
    return sorted(((names[p], n) for p, n in totals.items()), key=lambda item: -item[1])


def org_figures(*, org: Org) -> dict[str, int]:
    """Key figures of an org's subtree: totals from the kept counters, and the overdue
    applications (few, and indexed) counted live."""
    subtree = Q(org__path__startswith=org.path)
    per_state = dict(
        MembershipCount.objects.filter(subtree).values_list("state").annotate(total=Sum("n"))
    )
    overdue = Membership.objects.filter(
        subtree, state=MembershipState.APPLIED, decide_by__lt=timezone.localdate()
    ).count()
    unions = Org.objects.filter(path__startswith=org.path).exclude(pk=org.pk).count()
    return {
        "active": int(per_state.get(MembershipState.ACTIVE, 0)),
        "retained": int(per_state.get(MembershipState.RETAINED, 0)),
        "applied": int(per_state.get(MembershipState.APPLIED, 0)),
        "overdue": overdue,
        "unions": unions,
    }


def members_for(
    *,
    actor: Actor,
    org: Org | None = None,
    q: str = "",
    state: str = "",
    new_form: str = "",
    skill_grade: int | None = None,
) -> QuerySet[Membership]:
    """Memberships in the actor's member.view scope, newest first, ready for a list page."""
    rows = Membership.objects.filter(org_scope_q(actor, Perm.MEMBER_VIEW))
    if org is not None:
        rows = rows.filter(org__path__startswith=org.path)
    if state == "current":
        rows = rows.filter(state__in=CURRENT_STATES)
    elif state:
        rows = rows.filter(state=state)
    if new_form == "any":
        rows = rows.exclude(person__new_employment_form="")
    elif new_form:
        rows = rows.filter(person__new_employment_form=new_form)
    if skill_grade is not None:
        rows = rows.filter(person__skill_grade=skill_grade)
    q = q.strip()
    if q:
        if ID_LIKE.match(q):
            rows = rows.filter(person__id_hash=lookup_hash(q))
        else:
            rows = rows.filter(person__name__startswith=q)
    return rows.select_related("person", "person__employer", "org").order_by("-pk")


def applications_for(*, actor: Actor, overdue_only: bool = False) -> QuerySet[Membership]:
    rows = Membership.objects.filter(
        org_scope_q(actor, Perm.MEMBER_VIEW), state=MembershipState.APPLIED
    )
    if overdue_only:
        rows = rows.filter(decide_by__lt=timezone.localdate())
    return rows.select_related("person", "org").order_by("decide_by", "pk")


def standing_membership(person: Person) -> Membership | None:
    """The membership that says where a person stands now: the current one, else the open
    application, else the latest that ended."""
    memberships = list(Membership.objects.filter(person=person).select_related("org"))
    memberships.sort(key=lambda m: (m.state not in CURRENT_STATES, m.state != "applied", -m.pk))
    return memberships[0] if memberships else None


def person_get_for(actor: Actor, pk: int) -> tuple[Person, Membership]:
    """A person the actor may see, and the membership that lets them: only the union where the
    person stands now (and the levels above it). A union the person has left, by transfer or
    otherwise, no longer sees their details (R1, PIPL)."""
    person = (
        Person.objects.select_related("employer").filter(pk=pk).first()
        if 0 < pk <= MAX_PK
        else None
    )
    standing = standing_membership(person) if person is not None else None
    if person is None or standing is None or not actor_can(actor, Perm.MEMBER_VIEW, standing.org):
        raise Http404
    return person, standing


def membership_history(*, person: Person) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(person=person)
        .select_related("org")
        .order_by("start_date", "applied_at", "pk")
    )


def membership_get_for(actor: Actor, pk: int, perm: Perm = Perm.MEMBER_MANAGE) -> Membership:
    membership = (
        Membership.objects.select_related("person", "org").filter(pk=pk).first()
        if 0 < pk <= MAX_PK
        else None
    )
    if membership is None or not actor_can(actor, perm, membership.org):
        raise Http404
    return membership


def unions_for(actor: Actor, perm: Perm = Perm.MEMBER_MANAGE) -> QuerySet[Org]:
    """Grassroots and joint unions where the actor may act."""
    return orgs_for(actor, perm).filter(kind__in=["grassroots", "joint"]).order_by("path")


def union_choices(unions: Iterable[Org]) -> list[tuple[str, list[tuple[int, str]]]]:
    """Unions grouped under the federation above them for a select's optgroups: the industry
    federations (couriers, riders) first, as most online applicants are looking for them."""
    groups: dict[int, list[tuple[int, str]]] = {}
    for union in unions:
        groups.setdefault(union.parent_id or 0, []).append((union.pk, union.name))
    parents = {o.pk: o for o in Org.objects.filter(pk__in=list(groups))}
    order = sorted(
        groups,
        key=lambda pk: (
            parents[pk].kind != "industry" if pk in parents else True,
            parents[pk].path if pk in parents else "",
        ),
    )
    return [
        (parents[pk].name if pk in parents else "", sorted(groups[pk], key=lambda c: c[1]))
        for pk in order
    ]


def joinable_unions() -> QuerySet[Org]:
    """Unions a worker may apply to online; the industry federations' joint unions first."""
    return Org.objects.filter(kind__in=["joint", "grassroots"]).order_by("-kind", "name")


def skill_grade_history(*, person: Person) -> QuerySet[SkillGradeChange]:
    """The person's skill-grade promotions, oldest first (the member page's ladder, R19)."""
    return SkillGradeChange.objects.filter(person=person).order_by("at", "pk")


def enterprise_names(keys: Iterable[str]) -> list[tuple[str, str]]:
    """Enterprises by name for keys holding their ids (a scoring panel's employer keys, R18),
    sorted by name; other keys are left out."""
    ids = {int(k) for k in keys if k.isdigit()}
    return [
        (str(pk), name)
        for pk, name in Enterprise.objects.filter(pk__in=ids)
        .order_by("name")
        .values_list("pk", "name")
    ]


def current_members_matching(scope: Q, text: str, *, limit: int = 2) -> list[Person]:
    """Current members of the unions in `scope` (a filter on Membership) that `text` names:
    an ID number (through its lookup hash), else an exact name. Up to `limit`, so that a
    caller can tell one from several; each caller words its own message."""
    text = text.strip()
    rows = Membership.objects.filter(scope, state__in=CURRENT_STATES)
    if ID_LIKE.match(text):
        rows = rows.filter(person__id_hash=lookup_hash(text.upper()))
    else:
        rows = rows.filter(person__name=text)
    return list(Person.objects.filter(pk__in=rows.values("person_id")).order_by("pk")[:limit])
