"""Staff pages of the studios and the alliance (R15): record a person's honour title, add a
studio's team member, add an expert advisor, create a volunteer squad, set the year's subsidy
rates. Each form saves through its service in gonghui.innovation.services; a refusal comes
back on the form with what was typed kept."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from gonghui.core.http import form_step, request_user
from gonghui.core.models import Org, User
from gonghui.core.pagination import CappedPaginator
from gonghui.core.permissions import Perm
from gonghui.core.scoping import Actor, actor_can, grants_for, require
from gonghui.innovation import selectors_studios as select
from gonghui.innovation.forms_studios import (
    AdvisorForm,
    SquadForm,
    SubsidyRateForm,
    TeamMemberForm,
    TitleForm,
)
from gonghui.innovation.models import Alliance, SubsidyKind, SubsidyRate
from gonghui.innovation.services import alliance as alliance_services
from gonghui.innovation.services import studios as services
from gonghui.orgs.selectors import unions_for

PAGE_SIZE = 50


# --- Honour titles ----------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def titles(request: HttpRequest) -> HttpResponse:
    """R15: a studio's leader holds a recorded title; staff record titles here."""
    actor = request_user(request)
    require(actor, Perm.INNOVATION_MANAGE)
    unions = unions_for(actor, Perm.INNOVATION_MANAGE)
    form = TitleForm(request.POST or None, unions=unions)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        person = form.picked
        assert person is not None  # clean_person found them
        if form_step(
            form,
            lambda: services.title_record(
                actor=actor,
                person=person,
                org=data["union"],
                kind=data["kind"],
                level=data["level"],
                year=data["year"],
            ),
        ):
            messages.success(request, _("%(name)s's title is recorded.") % {"name": person.name})
            return redirect("innovation:titles")
    page = CappedPaginator(select.titles_for(actor), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "innovation/studios/titles.html", {"form": form, "page": page})


# --- A studio's team --------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def team_add(request: HttpRequest, pk: int) -> HttpResponse:
    """The host union (or innovation staff above it) adds a member of the host union to the
    studio's team."""
    actor = request_user(request)
    studio = select.studio_get_for(actor, pk)
    can_manage = actor_can(actor, Perm.INNOVATION_MANAGE, studio.org)
    if not (can_manage or actor_can(actor, Perm.CASE_OPEN, studio.org)):
        raise Http404
    form = TeamMemberForm(request.POST or None, unions=Org.objects.filter(pk=studio.org_id))
    if request.method == "POST" and form.is_valid():
        person = form.picked
        assert person is not None
        if form_step(
            form,
            lambda: services.team_member_add(
                actor=actor, studio=studio, person=person, role=form.cleaned_data["role"]
            ),
        ):
            messages.success(
                request, _("%(name)s joins the studio's team.") % {"name": person.name}
            )
            return redirect("innovation:studio", pk=studio.pk)
    return render(
        request,
        "innovation/studios/team_add.html",
        {"studio": studio, "form": form, "can_manage": can_manage},
    )


# --- The alliance's advisors and squads -------------------------------------------------------


def _managed_alliance(actor: User) -> Alliance:
    alliance = select.alliance_for(actor)
    if alliance is None or not actor_can(actor, Perm.INNOVATION_MANAGE, alliance.org):
        raise Http404
    return alliance


@login_required
@require_http_methods(["GET", "POST"])
def advisor_new(request: HttpRequest) -> HttpResponse:
    """An expert advisor of the alliance: a current member of a union under its org."""
    actor = request_user(request)
    alliance = _managed_alliance(actor)
    unions = unions_for(actor, Perm.INNOVATION_MANAGE).filter(path__startswith=alliance.org.path)
    form = AdvisorForm(request.POST or None, unions=unions)
    if request.method == "POST" and form.is_valid():
        person = form.picked
        assert person is not None
        data = form.cleaned_data
        if form_step(
            form,
            lambda: alliance_services.advisor_add(
                actor=actor,
                alliance=alliance,
                person=person,
                field=data["field"],
                note=data["note"],
            ),
        ):
            messages.success(request, _("%(name)s advises the alliance.") % {"name": person.name})
            return redirect("innovation:alliance")
    return render(
        request,
        "innovation/alliance/member_new.html",
        {"alliance": alliance, "form": form, "kind": "advisor"},
    )


@login_required
@require_http_methods(["GET", "POST"])
def squad_new(request: HttpRequest) -> HttpResponse:
    """A squad of the alliance's volunteer service corps."""
    actor = request_user(request)
    alliance = _managed_alliance(actor)
    form = SquadForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if form_step(
            form,
            lambda: alliance_services.squad_create(
                actor=actor,
                alliance=alliance,
                name=data["name"],
                speciality=data["speciality"],
                leader=data["leader"],
            ),
        ):
            messages.success(request, _("%(squad)s is formed.") % {"squad": data["name"].strip()})
            return redirect("innovation:alliance")
    return render(
        request,
        "innovation/alliance/member_new.html",
        {"alliance": alliance, "form": form, "kind": "squad"},
    )


# --- Subsidy rates ----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Rate:
    org: Org
    kind: object
    amount: Decimal
    source: str


def _rate_orgs(actor: Actor) -> QuerySet[Org]:
    """The orgs where the actor holds innovation.manage itself: the rates they set there
    apply to the studios under them (the nearest org above a studio wins)."""
    return Org.objects.filter(
        pk__in=[g.org_id for g in grants_for(actor, Perm.INNOVATION_MANAGE)]
    ).order_by("path")


def _in_force(orgs: list[Org], year: int) -> list[_Rate]:
    """For each org the actor sets rates at: what a studio under it receives this year, and
    where that figure comes from (set here, set above, or R15's default)."""
    rows = []
    for org in orgs:
        here = {
            r.kind: r for r in SubsidyRate.objects.filter(org=org, year=year).only("kind", "amount")
        }
        for kind in SubsidyKind:
            amount = services.subsidy_amount(org=org, year=year, kind=kind)
            if kind.value in here:
                source = _("set here")
            elif amount == services.DEFAULT_SUBSIDY[kind]:
                source = _("R15 default")
            else:
                source = _("set above")
            rows.append(_Rate(org=org, kind=kind.label, amount=amount, source=source))
    return rows


@login_required
@require_http_methods(["GET", "POST"])
def subsidy_rates(request: HttpRequest) -> HttpResponse:
    """R15: the year's subsidy for newly named and re-confirmed studios, per federation."""
    actor = request_user(request)
    require(actor, Perm.INNOVATION_MANAGE)
    orgs = _rate_orgs(actor)
    year = timezone.localdate().year
    shown = list(orgs[:20])
    initial: dict[str, object] = {"year": year}
    if len(shown) == 1:
        initial["org"] = shown[0].pk
    form = SubsidyRateForm(request.POST or None, initial=initial)
    org_field: object = form.fields["org"]
    org_field.queryset = orgs  # type: ignore[attr-defined]  # a ModelChoiceField
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if form_step(
            form,
            lambda: services.subsidy_rate_set(
                actor=actor,
                org=data["org"],
                year=data["year"],
                kind=data["kind"],
                amount=data["amount"],
            ),
        ):
            messages.success(request, _("The subsidy rate is set."))
            return redirect("innovation:subsidy_rates")
    context = {"form": form, "year": year, "rates": _in_force(shown, year)}
    return render(request, "innovation/studios/rates.html", context)
