"""The union tree (expand with htmx, search) and an org's page."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from gonghui.core import services
from gonghui.core.models import Org, OrgKind, User
from gonghui.core.permissions import Perm
from gonghui.core.scoping import actor_can, require
from gonghui.core.services import LEVEL_OF_KIND
from gonghui.orgs import selectors
from gonghui.orgs.forms import OrgForm, SubOrgForm


@login_required
@require_GET
def tree(request: HttpRequest) -> HttpResponse:
    require(request.user, Perm.ORG_VIEW)
    q = request.GET.get("q", "").replace("\x00", "").strip()[:60]
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
        "can_edit": actor_can(request.user, Perm.ORG_MANAGE, org),
    }
    return render(request, "orgs/org.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def org_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """An org's details, and adding an org below it (org.manage)."""
    actor: User = request.user  # type: ignore[assignment]  # login_required
    org = selectors.org_get_for(actor, pk, Perm.ORG_MANAGE)
    form = OrgForm(request.POST if "save" in request.POST else None, instance=org)
    sub = SubOrgForm(request.POST if "add" in request.POST else None)
    kinds = [(k, label) for k, label in OrgKind.choices if LEVEL_OF_KIND[OrgKind(k)] > org.level]
    sub.fields["kind"].choices = kinds  # type: ignore[attr-defined]  # ChoiceField
    if request.method == "POST" and "save" in request.POST and form.is_valid():
        changed = {name: form.cleaned_data[name] for name in form.changed_data}
        try:
            if changed:
                services.org_update(actor=actor, org=Org.objects.get(pk=org.pk), **changed)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("orgs:org", pk=org.pk)
    if request.method == "POST" and "add" in request.POST and sub.is_valid():
        try:
            child = services.org_create(actor=actor, parent=org, **sub.cleaned_data)
        except (ValidationError, IntegrityError) as exc:
            sub.add_error(
                None,
                exc
                if isinstance(exc, ValidationError)
                else _("That code is taken; choose another."),
            )
        else:
            messages.success(request, _("%(name)s is added.") % {"name": child.name})
            return redirect("orgs:org", pk=child.pk)
    return render(
        request,
        "orgs/org_edit.html",
        {"org": org, "form": form, "sub": sub, "can_add": bool(kinds)},
    )
