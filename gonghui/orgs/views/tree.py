"""The union tree (expand with htmx, search) and an org's page."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from gonghui.core.models import Org
from gonghui.core.permissions import Perm
from gonghui.core.scoping import actor_can, require
from gonghui.orgs import selectors


@login_required
@require_GET
def tree(request: HttpRequest) -> HttpResponse:
    require(request.user, Perm.ORG_VIEW)
    q = request.GET.get("q", "").strip()[:60]
    context = {
        "roots": selectors.org_roots_for(request.user),
        "q": q,
        "results": selectors.org_search(actor=request.user, q=q) if q else None,
    }
    return render(request, "orgs/tree.html", context)


@login_required
@require_GET
def children(request: HttpRequest, pk: int) -> HttpResponse:
    """The htmx fragment that expands one node of the tree."""
    org = selectors.org_get_for(request.user, pk)
    return render(
        request, "orgs/_partials/children.html", {"children": selectors.org_children(org=org)}
    )


def _chart(rows: list[tuple[str, int]]) -> dict[str, list[object]] | None:
    shown = rows[:15]
    if len(shown) < 2:
        return None
    return {"labels": [name for name, _n in shown], "values": [n for _name, n in shown]}


@login_required
@require_GET
def org_page(request: HttpRequest, pk: int) -> HttpResponse:
    org = selectors.org_get_for(request.user, pk)
    ancestors = Org.objects.filter(pk__in=[int(p) for p in org.path.strip("/").split("/")])
    context = {
        "org": org,
        "ancestors": [
            a
            for a in ancestors.order_by("level")
            if a.pk != org.pk and actor_can(request.user, Perm.ORG_VIEW, a)
        ],
        "children": selectors.org_children(org=org),
        "figures": selectors.org_figures(org=org),
        "chart": _chart(selectors.org_children_members(org=org)),
        "enterprises": org.enterprises.order_by("name")[:50],
        "can_see_members": actor_can(request.user, Perm.MEMBER_VIEW, org),
        "is_union": org.kind in ("grassroots", "joint"),
    }
    return render(request, "orgs/org.html", context)
