"""Exhibition pages (百项创新成果展): the list, a new exhibition, its page (results shown, the
visiting batches, a unit's booking) and the public list of what it shows."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gonghui.core.http import form_step, request_user
from gonghui.core.permissions import Perm
from gonghui.core.scoping import actor_can
from gonghui.innovation import selectors_results as selectors
from gonghui.innovation.forms_results import (
    AWARD_LABELS,
    BookingForm,
    ExhibitionForm,
    ExhibitItemForm,
    SlotForm,
)
from gonghui.innovation.models import Exhibition, FiveSmallKind
from gonghui.innovation.services import exhibition as services


@login_required
@require_GET
def exhibition_list(request: HttpRequest) -> HttpResponse:
    actor = request_user(request)
    if not actor_can(actor, Perm.INNOVATION_VIEW):
        raise Http404
    return render(
        request,
        "innovation/results/exhibitions.html",
        {
            "exhibitions": list(selectors.exhibitions_for(actor)[:50]),
            "can_create": bool(selectors.round_orgs(actor)),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def exhibition_new(request: HttpRequest) -> HttpResponse:
    actor = request_user(request)
    orgs = selectors.round_orgs(actor)
    if not orgs:
        raise Http404
    form = ExhibitionForm(request.POST or None, orgs=orgs)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            exhibition = services.exhibition_create(actor=actor, **data)
        except ValidationError as exc:
            form.add_error(None, exc)
        except PermissionDenied as exc:
            raise Http404 from exc
        else:
            messages.success(request, _("The exhibition is saved; add its results and batches."))
            return redirect("innovation:exhibition", pk=exhibition.pk)
    return render(
        request,
        "innovation/results/exhibition_new.html",
        {"form": form},
        status=400 if form.errors else 200,
    )


def _page(request: HttpRequest, exhibition: Exhibition, **forms_: forms.Form) -> HttpResponse:
    actor = request_user(request)
    manage = actor_can(actor, Perm.INNOVATION_MANAGE, exhibition.org)
    slots = list(selectors.exhibition_slots(exhibition))
    units = selectors.booking_units(actor, exhibition)
    open_slots = exhibition.slots.filter(starts_at__gt=timezone.now()).order_by("starts_at")
    mine = {u.pk for u in units}
    # A unit sees its own bookings; the organiser sees every unit's.
    shown = {s.pk: [b for b in s.bookings.all() if manage or b.unit_id in mine] for s in slots}
    context: dict[str, Any] = {
        "exhibition": exhibition,
        "manage": manage,
        "items": list(selectors.exhibition_items(exhibition)),
        "slots": slots,
        "visitors": sum(s.booked for s in slots),
        "shown": shown,
        "item_form": forms_.get("item_form")
        or ExhibitItemForm(candidates=selectors.exhibition_candidates(actor, exhibition)[:300]),
        "slot_form": forms_.get("slot_form") or SlotForm(),
        "booking_form": forms_.get("booking_form") or BookingForm(slots=open_slots, units=units),
        "can_book": bool(units) and open_slots.exists(),
        "awards": AWARD_LABELS,
        "kinds": dict(FiveSmallKind.choices),
    }
    status = 400 if any(f.errors for f in forms_.values()) else 200
    return render(request, "innovation/results/exhibition.html", context, status=status)


@login_required
@require_GET
def exhibition_page(request: HttpRequest, pk: int) -> HttpResponse:
    return _page(request, selectors.exhibition_get_for(request_user(request), pk))


@login_required
@require_POST
def exhibition_result_add(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request_user(request)
    exhibition = selectors.exhibition_get_for(actor, pk)
    if not actor_can(actor, Perm.INNOVATION_MANAGE, exhibition.org):
        raise Http404
    form = ExhibitItemForm(
        request.POST, candidates=selectors.exhibition_candidates(actor, exhibition)
    )
    if form.is_valid() and form_step(
        form,
        lambda: services.exhibition_result_add(
            actor=actor, exhibition=exhibition, result=form.cleaned_data["result"]
        ),
    ):
        messages.success(request, _("The result is in the exhibition."))
        return redirect("innovation:exhibition", pk=exhibition.pk)
    return _page(request, exhibition, item_form=form)


@login_required
@require_POST
def exhibition_slot_add(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request_user(request)
    exhibition = selectors.exhibition_get_for(actor, pk)
    if not actor_can(actor, Perm.INNOVATION_MANAGE, exhibition.org):
        raise Http404
    form = SlotForm(request.POST)
    if form.is_valid() and form_step(
        form,
        lambda: services.visit_slot_add(
            actor=actor,
            exhibition=exhibition,
            starts_at=form.cleaned_data["starts_at"],
            capacity=form.cleaned_data["capacity"],
        ),
    ):
        messages.success(request, _("Visiting batch added."))
        return redirect("innovation:exhibition", pk=exhibition.pk)
    return _page(request, exhibition, slot_form=form)


@login_required
@require_POST
def exhibition_book(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request_user(request)
    exhibition = selectors.exhibition_get_for(actor, pk)
    units = selectors.booking_units(actor, exhibition)
    if not units:
        raise Http404
    form = BookingForm(
        request.POST,
        slots=exhibition.slots.filter(starts_at__gt=timezone.now()),
        units=units,
    )
    if form.is_valid() and form_step(
        form,
        lambda: services.visit_book(
            actor=actor,
            slot=form.cleaned_data["slot"],
            unit=form.cleaned_data["unit"],
            visitors=form.cleaned_data["visitors"],
        ),
    ):
        messages.success(
            request,
            _("Booked: %(n)s visitors of %(unit)s.")
            % {"n": form.cleaned_data["visitors"], "unit": form.cleaned_data["unit"].name},
        )
        return redirect("innovation:exhibition", pk=exhibition.pk)
    return _page(request, exhibition, booking_form=form)


@require_GET
def exhibition_public(request: HttpRequest, pk: int) -> HttpResponse:
    """What the exhibition shows, for anyone: titles, kinds, units and awards, no names."""
    exhibition = selectors.exhibition_public(pk)
    return render(
        request,
        "innovation/results/exhibition_public.html",
        {
            "exhibition": exhibition,
            "items": list(selectors.exhibition_items(exhibition)),
            "awards": AWARD_LABELS,
            "kinds": dict(FiveSmallKind.choices),
        },
    )
