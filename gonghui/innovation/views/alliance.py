"""The alliance's pages: its members, advisors and squads; "ask the alliance for help" for
firms and studios; staff's request queue with assign, start and close. Every write goes
through gonghui.innovation.services.alliance."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gonghui.core.http import request_user, run_step
from gonghui.core.pagination import CappedPaginator
from gonghui.core.permissions import Perm
from gonghui.core.scoping import actor_can, require
from gonghui.innovation import selectors_studios as select
from gonghui.innovation.forms_studios import (
    AssignForm,
    CloseForm,
    HelpForm,
    RequestFilterForm,
    SeatForm,
)
from gonghui.innovation.models import AllianceTier, RequestState, ServiceRequest
from gonghui.innovation.services import alliance as services
from gonghui.orgs.selectors import unions_for

PAGE_SIZE = 50


@login_required
@require_GET
def alliance_page(request: HttpRequest) -> HttpResponse:
    actor = request_user(request)
    require(actor, Perm.INNOVATION_VIEW)
    alliance = select.alliance_for(actor)
    context = {
        "page": select.alliance_page(alliance) if alliance else None,
        "can_manage": alliance is not None
        and actor_can(actor, Perm.INNOVATION_MANAGE, alliance.org),
        "seat_form": SeatForm(),
    }
    return render(request, "innovation/alliance/alliance.html", context)


@login_required
@require_POST
def seat_decide(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request_user(request)
    seat = select.seat_get_for(actor, pk)
    form = SeatForm(request.POST)
    if form.is_valid():
        decision = form.cleaned_data["decision"]
        done = run_step(
            request,
            lambda: services.alliance_member_decide(
                actor=actor,
                seat=seat,
                accept=decision != "refuse",
                tier=AllianceTier.CORE if decision == "core" else AllianceTier.ORDINARY,
            ),
        )
        if done is not None:
            messages.success(request, _("%(studio)s: decided.") % {"studio": seat.studio.name})
    else:
        messages.error(request, _("Choose a decision."))
    return redirect("innovation:alliance")


@login_required
@require_POST
def squad_close(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request_user(request)
    squad = select.squad_get_for(actor, pk)
    if run_step(request, lambda: services.squad_close(actor=actor, squad=squad)) is not None:
        messages.success(request, _("%(squad)s is closed.") % {"squad": squad.name})
    return redirect("innovation:alliance")


# --- Asking for help --------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def help_page(request: HttpRequest) -> HttpResponse:
    """A firm's or a studio's union asks the alliance for help (phone-friendly); below, the
    union's requests and their outcomes."""
    actor = request_user(request)
    require(actor, Perm.INNOVATION_VIEW)
    unions = unions_for(actor, Perm.INNOVATION_VIEW)
    form = HelpForm(request.POST or None)
    org_field: object = form.fields["org"]
    org_field.queryset = unions  # type: ignore[attr-defined]  # a ModelChoiceField
    only = list(unions[:2])
    if len(only) == 1:
        form.fields["org"].initial = only[0].pk
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        made = run_step(
            request,
            lambda: services.request_open(
                actor=actor,
                org=data["org"],
                kind=data["kind"],
                description=data["description"],
                contact=data["contact"],
            ),
        )
        if made is not None:
            messages.success(request, _("Your request is sent to the alliance."))
            return redirect("innovation:request", pk=made.pk)
    context = {
        "form": form,
        "one_union": len(only) == 1,
        "mine": list(select.requests_asked_by(actor)[:20]),
        "has_unions": bool(only),
    }
    return render(request, "innovation/alliance/help.html", context)


# --- The staff's queue ------------------------------------------------------------------------


@login_required
@require_GET
def request_queue(request: HttpRequest) -> HttpResponse:
    actor = request_user(request)
    require(actor, Perm.INNOVATION_MANAGE)
    form = RequestFilterForm(request.GET or None)
    state = form.cleaned_data.get("state", "") if form.is_valid() else ""
    page = CappedPaginator(select.request_queue(actor, state=state), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "page": page, "query": query.urlencode()}
    return render(request, "innovation/alliance/queue.html", context)


def _assignees(item: ServiceRequest) -> list[tuple[str, list[tuple[str, str]]]]:
    squads = item.alliance.squads.filter(closed_on__isnull=True).order_by("name")
    advisors = item.alliance.advisors.select_related("person").order_by("field", "pk")
    return [
        (_("Volunteer squads"), [(f"squad:{s.pk}", f"{s.name} · {s.speciality}") for s in squads]),
        (
            _("Expert advisors"),
            [(f"advisor:{a.pk}", f"{a.person.name} · {a.get_field_display()}") for a in advisors],
        ),
    ]


@login_required
@require_GET
def request_page(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request_user(request)
    item = select.request_get_for(actor, pk)
    can_manage = actor_can(actor, Perm.INNOVATION_MANAGE, item.org)
    assign = AssignForm()
    assign.fields["assignee"].choices = _assignees(item) if can_manage else []  # type: ignore[attr-defined]
    context = {
        "item": item,
        "can_manage": can_manage,
        "assign_form": assign,
        "close_form": CloseForm(),
        "states": RequestState,
    }
    return render(request, "innovation/alliance/request.html", context)


def _managed(request: HttpRequest, pk: int) -> ServiceRequest:
    actor = request_user(request)
    item = select.request_get_for(actor, pk)
    if not actor_can(actor, Perm.INNOVATION_MANAGE, item.org):
        raise Http404
    return item


@login_required
@require_POST
def request_assign(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request_user(request)
    item = _managed(request, pk)
    kind, _sep, raw = request.POST.get("assignee", "").partition(":")
    squad = (
        item.alliance.squads.filter(pk=int(raw)).first()
        if raw.isdigit() and kind == "squad"
        else None
    )
    advisor = (
        item.alliance.advisors.filter(pk=int(raw)).first()
        if raw.isdigit() and kind == "advisor"
        else None
    )
    done = run_step(
        request,
        lambda: services.request_assign(actor=actor, request=item, squad=squad, advisor=advisor),
    )
    if done is not None:
        messages.success(request, _("The request is assigned."))
    return redirect("innovation:request", pk=pk)


@login_required
@require_POST
def request_start(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request_user(request)
    item = _managed(request, pk)
    if run_step(request, lambda: services.request_start(actor=actor, request=item)) is not None:
        messages.success(request, _("The request is in progress."))
    return redirect("innovation:request", pk=pk)


@login_required
@require_POST
def request_close(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request_user(request)
    item = _managed(request, pk)
    outcome = request.POST.get("outcome", "")
    done = run_step(
        request, lambda: services.request_close(actor=actor, request=item, outcome=outcome)
    )
    if done is not None:
        messages.success(request, _("The request is closed with its outcome."))
    return redirect("innovation:request", pk=pk)
