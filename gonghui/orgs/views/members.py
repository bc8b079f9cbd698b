"""The member list, a member's page (masked unless the role may see more, each full view
audited), transfer and ending a membership, and the export."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from gonghui.core.http import request_user
from gonghui.core.models import User
from gonghui.core.pagination import CappedPaginator
from gonghui.core.permissions import Perm
from gonghui.core.progress import get_progress_for, progress_start
from gonghui.core.scoping import actor_can, org_scope_q, orgs_for, require
from gonghui.orgs import selectors, services
from gonghui.orgs.forms import EndForm, MemberFilterForm, TransferForm
from gonghui.orgs.models import CURRENT_STATES, MembershipState
from gonghui.orgs.roster.exporting import export_path

PAGE_SIZE = 50


@login_required
@require_GET
def member_list(request: HttpRequest) -> HttpResponse:
    actor = request_user(request)
    require(actor, Perm.MEMBER_VIEW)
    form = MemberFilterForm(request.GET or None, initial={"state": "current"})
    form.fields["org"].queryset = orgs_for(actor, Perm.MEMBER_VIEW)  # type: ignore[attr-defined]  # ModelChoiceField
    filters = form.cleaned_data if form.is_valid() else {}
    # Any org in scope is accepted; the menu offers the federations, and the chosen union
    # (a city has hundreds: each union's page links to its own list).
    chosen = filters.get("org")
    roots = selectors.org_roots_for(actor, Perm.MEMBER_VIEW)
    federations = orgs_for(actor, Perm.MEMBER_VIEW).filter(level__lte=3).order_by("path")
    offered = list(dict.fromkeys([*roots, *federations, *([chosen] if chosen else [])]))
    form.fields["org"].widget.choices = [("", _("All")), *((o.pk, o.name) for o in offered)]
    rows = selectors.members_for(
        actor=actor,
        org=filters.get("org"),
        q=filters.get("q") or "",
        state=filters.get("state", "current") if request.GET else "current",
        new_form=filters.get("new_form") or "",
        skill_grade=filters.get("skill_grade"),
    )
    page = CappedPaginator(rows, PAGE_SIZE, total=_known_total(actor, filters, request)).get_page(
        request.GET.get("page")
    )
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "query": query.urlencode(),
        "export_org": filters.get("org"),
        "can_export_full": bool(filters.get("org"))
        and actor_can(actor, Perm.PERSONAL_DATA_VIEW, filters["org"]),
    }
    is_htmx = request.headers.get("HX-Request") == "true"
    return render(request, "orgs/members.html#results" if is_htmx else "orgs/members.html", context)


def _known_total(actor: User, filters: dict[str, Any], request: HttpRequest) -> int | None:
    """The exact total from the kept counters when only the scope and state narrow the list;
    None (count, capped) when a search or another filter does."""
    if filters.get("q") or filters.get("new_form") or filters.get("skill_grade"):
        return None
    state = filters.get("state", "current") if request.GET else "current"
    states = CURRENT_STATES if state == "current" else [state] if state else MembershipState.values
    org = filters.get("org")
    scope = Q(org__path__startswith=org.path) if org else org_scope_q(actor, Perm.MEMBER_VIEW)
    return selectors.member_total(scope=scope, states=states)


@login_required
@require_GET
def member_page(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request_user(request)
    person, membership = selectors.person_get_for(actor, pk)
    can_manage = actor_can(actor, Perm.MEMBER_MANAGE, membership.org)
    transfer = TransferForm(initial={"on": timezone.localdate()})
    targets = selectors.joinable_unions().exclude(pk=membership.org_id)
    transfer.fields["to_org"].queryset = targets  # type: ignore[attr-defined]  # ModelChoiceField
    transfer.fields["to_org"].widget.choices = [
        ("", "---------"),
        *selectors.union_choices(targets),
    ]
    context = {
        "person": person,
        "membership": membership,
        "history": selectors.membership_history(person=person),
        "grade_changes": selectors.skill_grade_history(person=person),
        "can_manage": can_manage and membership.state in ("active", "retained"),
        "can_reveal": actor_can(actor, Perm.PERSONAL_DATA_VIEW, membership.org),
        "transfer_form": transfer,
        "end_form": EndForm(),
    }
    return render(request, "orgs/member.html", context)


@login_required
@require_POST
def member_reveal(request: HttpRequest, pk: int) -> HttpResponse:
    """The full ID number and phone, for roles that need them; every view is audited."""
    actor = request_user(request)
    person, membership = selectors.person_get_for(actor, pk)
    if not actor_can(actor, Perm.PERSONAL_DATA_VIEW, membership.org):
        raise Http404
    number = services.person_reveal(actor=actor, person=person, org=membership.org)
    return render(
        request, "orgs/_partials/revealed.html", {"id_number": number, "phone": person.phone}
    )


@login_required
@require_POST
def member_transfer(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request_user(request)
    membership = selectors.membership_get_for(actor, pk)
    form = TransferForm(request.POST)
    form.fields["to_org"].queryset = selectors.joinable_unions()  # type: ignore[attr-defined]  # ModelChoiceField
    if form.is_valid():
        try:
            services.membership_transfer(
                actor=actor,
                membership=membership,
                to_org=form.cleaned_data["to_org"],
                on=form.cleaned_data["on"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(
                request, _("Transferred to %(org)s.") % {"org": form.cleaned_data["to_org"].name}
            )
    else:
        messages.error(request, _("Choose the union and the date of the transfer."))
    return redirect("orgs:member", pk=membership.person_id)


@login_required
@require_POST
def member_end(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request_user(request)
    membership = selectors.membership_get_for(actor, pk)
    form = EndForm(request.POST)
    if form.is_valid():
        state, reason = form.cleaned_data["state"], form.cleaned_data["reason"]
        try:
            if state == MembershipState.RETAINED:
                services.membership_retain(actor=actor, membership=membership, reason=reason)
            else:
                services.membership_end(
                    actor=actor,
                    membership=membership,
                    state=state,
                    reason=reason,
                    on=form.cleaned_data.get("on"),
                )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("The membership is updated."))
    else:
        messages.error(request, _("Choose how the membership ends and give the reason."))
    return redirect("orgs:member", pk=membership.person_id)


@login_required
@require_POST
def member_export(request: HttpRequest) -> HttpResponse:
    """Starts an export of the current members (of one union, or the whole scope)."""
    actor = request_user(request)
    require(actor, Perm.MEMBER_VIEW)
    org_id = request.POST.get("org", "")
    org = None
    if org_id:
        org = (
            orgs_for(actor, Perm.MEMBER_VIEW)
            .filter(pk=int(org_id) if org_id.isdigit() and len(org_id) < 12 else 0)
            .first()
        )
        if org is None:
            raise Http404
    reveal = request.POST.get("reveal") == "1"
    progress = progress_start(actor=actor, label=_("Exporting members"), org=org)
    from gonghui.orgs.tasks import member_export_task

    transaction.on_commit(
        lambda: member_export_task.enqueue(
            str(progress.pk), actor.pk, org.pk if org else None, reveal
        )
    )
    return render(request, "orgs/export.html", {"progress": progress})


@login_required
@require_GET
def member_export_download(request: HttpRequest, pk: uuid.UUID) -> HttpResponseBase:
    progress = get_progress_for(request.user, pk)
    path = export_path(progress.pk)
    if not path.exists():
        raise Http404
    name = f"members-{timezone.localdate():%Y%m%d}.xlsx"
    return FileResponse(path.open("rb"), as_attachment=True, filename=name)
