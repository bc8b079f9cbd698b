"""Pairing pages (结对共建): the list, a new agreement, and the agreement's page where its
plan items, joint activities and outcomes are added and plan items marked done."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gonghui.core.http import request_user
from gonghui.core.permissions import Perm
from gonghui.core.scoping import actor_can
from gonghui.innovation import selectors_results as selectors
from gonghui.innovation.forms_results import ActivityForm, OutcomeForm, PairingForm, PlanItemForm
from gonghui.innovation.models import (
    ActivityKind,
    OutcomeKind,
    PairingAgreement,
    PairingPlanItem,
)
from gonghui.innovation.services import pairings as services


def _save(form: forms.Form, step: Any) -> Any:
    """Runs the service with the form's data: a refusal lands on the form, nothing saved."""
    try:
        return step()
    except ValidationError as exc:
        form.add_error(None, exc)
    except PermissionDenied as exc:
        raise Http404 from exc
    return None


@login_required
@require_GET
def pairing_list(request: HttpRequest) -> HttpResponse:
    actor = request_user(request)
    if not (actor_can(actor, Perm.INNOVATION_MANAGE) or actor_can(actor, Perm.CASE_OPEN)):
        raise Http404  # union staff see the pairings their union is a side of
    return render(
        request,
        "innovation/results/pairings.html",
        {
            "agreements": list(selectors.pairings_for(actor)[:200]),
            "can_create": bool(selectors.pairing_orgs(actor)),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def pairing_new(request: HttpRequest) -> HttpResponse:
    actor = request_user(request)
    orgs = selectors.pairing_orgs(actor)
    if not orgs:
        raise Http404
    form = PairingForm(request.POST or None, orgs=orgs)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        agreement = _save(
            form,
            lambda: services.pairing_create(
                actor=actor,
                org=data["org"],
                state_enterprise=data["state_enterprise"],
                private_enterprise=data["private_enterprise"],
                signed_on=data["signed_on"],
                areas=data["areas"],
            ),
        )
        if agreement is not None:
            messages.success(request, _("The pairing agreement is recorded."))
            return redirect("innovation:pairing", pk=agreement.pk)
    return render(
        request,
        "innovation/results/pairing_new.html",
        {"form": form},
        status=400 if form.errors else 200,
    )


def _managed(request: HttpRequest, pk: int) -> PairingAgreement:
    """The agreement, for those who may change it (INNOVATION_MANAGE where it is recorded)."""
    agreement = selectors.pairing_get_for(request_user(request), pk)
    if not selectors.can_manage_pairing(request_user(request), agreement):
        raise Http404
    return agreement


def _page(request: HttpRequest, agreement: PairingAgreement, **forms_: forms.Form) -> HttpResponse:
    actor = request_user(request)
    context = {
        "agreement": agreement,
        "manage": selectors.can_manage_pairing(actor, agreement),
        "plan_items": list(agreement.plan_items.select_related("done_by")),
        "activities": list(agreement.activities.all()),
        "outcomes": list(agreement.outcomes.all()),
        "plan_form": forms_.get("plan_form") or PlanItemForm(),
        "activity_form": forms_.get("activity_form") or ActivityForm(),
        "outcome_form": forms_.get("outcome_form") or OutcomeForm(),
    }
    status = 400 if any(f.errors for f in forms_.values()) else 200
    return render(request, "innovation/results/pairing.html", context, status=status)


@login_required
@require_GET
def pairing_page(request: HttpRequest, pk: int) -> HttpResponse:
    return _page(request, selectors.pairing_get_for(request_user(request), pk))


@login_required
@require_POST
def pairing_plan_add(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request_user(request)
    agreement = _managed(request, pk)
    form = PlanItemForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        done = _save(
            form,
            lambda: services.pairing_plan_item_add(
                actor=actor,
                agreement=agreement,
                text=data["text"],
                owner=data["owner"],
                due_on=data["due_on"],
            ),
        )
        if done is not None:
            messages.success(request, _("Plan item added."))
            return redirect("innovation:pairing", pk=agreement.pk)
    return _page(request, agreement, plan_form=form)


@login_required
@require_POST
def pairing_activity_add(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request_user(request)
    agreement = _managed(request, pk)
    form = ActivityForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        done = _save(
            form,
            lambda: services.pairing_activity_add(
                actor=actor,
                agreement=agreement,
                kind=ActivityKind(data["kind"]),
                held_on=data["held_on"],
                note=data["note"],
            ),
        )
        if done is not None:
            messages.success(request, _("Joint activity recorded."))
            return redirect("innovation:pairing", pk=agreement.pk)
    return _page(request, agreement, activity_form=form)


@login_required
@require_POST
def pairing_outcome_add(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request_user(request)
    agreement = _managed(request, pk)
    form = OutcomeForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        done = _save(
            form,
            lambda: services.pairing_outcome_add(
                actor=actor,
                agreement=agreement,
                kind=OutcomeKind(data["kind"]),
                count=data["count"],
                note=data["note"],
            ),
        )
        if done is not None:
            messages.success(request, _("Outcome recorded."))
            return redirect("innovation:pairing", pk=agreement.pk)
    return _page(request, agreement, outcome_form=form)


@login_required
@require_POST
def pairing_plan_done(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    actor = request_user(request)
    agreement = _managed(request, pk)
    item = (
        PairingPlanItem.objects.filter(agreement=agreement, pk=item_pk).first()
        if 0 < item_pk < 2**63
        else None
    )
    if item is None:
        raise Http404
    try:
        services.pairing_plan_item_done(actor=actor, item=item)
    except ValidationError as exc:
        for text in exc.messages:
            messages.error(request, text)
    except PermissionDenied as exc:
        raise Http404 from exc
    else:
        messages.success(request, _("Marked done: %(item)s") % {"item": item.text})
    return redirect("innovation:pairing", pk=agreement.pk)
