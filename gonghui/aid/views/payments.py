"""Payment batches and the bank file (R12: each award paid once), reversals, and donors with
their pairings and job offers."""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gonghui.aid import selectors
from gonghui.aid.forms.autumn import (
    BankReferenceForm,
    DonorForm,
    OfferForm,
    PairingForm,
    ReverseForm,
)
from gonghui.aid.models import Application, Award
from gonghui.aid.services import payments
from gonghui.core.models import User
from gonghui.core.money import format_yuan
from gonghui.core.permissions import Perm
from gonghui.core.personal_data import mask_id_number, mask_name
from gonghui.core.scoping import actor_can, grants_for, org_scope_q, require
from gonghui.review.models import CaseState


def _manage(actor: User, pk: int):  # type: ignore[no-untyped-def]  # a Campaign
    campaign = selectors.campaign_get_for(actor, pk)
    if not actor_can(actor, Perm.AID_MANAGE, campaign.org):
        raise Http404
    return campaign


@login_required
@require_http_methods(["GET", "POST"])
def batches(request: HttpRequest, pk: int) -> HttpResponse:
    """The campaign's payment batches; a new batch takes every confirmed, unpaid award."""
    actor: User = request.user  # type: ignore[assignment]  # login_required
    campaign = _manage(actor, pk)
    if request.method == "POST":
        try:
            batch = payments.batch_create(actor=actor, campaign=campaign)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(
                request,
                _("Batch %(number)s: %(count)d awards, %(total)s.")
                % {"number": batch.number, "count": batch.count, "total": format_yuan(batch.total)},
            )
            return redirect("aid:batch", pk=batch.pk)
        return redirect("aid:batches", pk=campaign.pk)
    payable = selectors.payable(actor, campaign)
    waiting = selectors.awards_before_notice_ends(actor, campaign)
    context = {
        "campaign": campaign,
        "batches": selectors.batches_for(actor, campaign),
        "payable_count": payable.count(),
        "payable_total": payable.net(),
        "before_notice_ends": sum(waiting.values()),
    }
    return render(request, "aid/batches.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def batch_page(request: HttpRequest, pk: int) -> HttpResponse:
    actor: User = request.user  # type: ignore[assignment]  # login_required
    batch = selectors.batch_get_for(actor, pk)
    form = BankReferenceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            payments.batch_mark_paid(
                actor=actor, batch=batch, bank_reference=form.cleaned_data["bank_reference"]
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The batch is marked paid."))
            return redirect("aid:batch", pk=batch.pk)
    awards = batch.awards.select_related("application", "application__org", "reversal")
    rows = [
        (
            award,
            mask_name(award.application.student_name),
            mask_id_number(award.application.account_number),
            getattr(award, "reversal", None),
        )
        for award in awards.order_by("pk")
    ]
    context = {"batch": batch, "rows": rows, "form": form, "reverse_form": ReverseForm()}
    return render(request, "aid/batch.html", context)


@login_required
@require_GET
def batch_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    actor: User = request.user  # type: ignore[assignment]  # login_required
    batch = selectors.batch_get_for(actor, pk)
    content = payments.batch_xlsx(actor=actor, batch=batch)
    response = HttpResponse(
        content,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{batch.number}.xlsx"'
    return response


@login_required
@require_POST
def award_reverse(request: HttpRequest, pk: int) -> HttpResponse:
    actor: User = request.user  # type: ignore[assignment]  # login_required
    award = (
        Award.objects.filter(org_scope_q(actor, Perm.AID_MANAGE, field="campaign__org"))
        .filter(pk=pk)
        .first()
        if 0 < pk < 2**63
        else None
    )
    if award is None:
        raise Http404
    form = ReverseForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the reason for the reversal."))
    else:
        try:
            payments.award_reverse(actor=actor, award=award, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("The reversal is recorded; the award stays as paid."))
    if award.batch_id is None:
        return redirect("aid:application", pk=award.application_id)
    return redirect("aid:batch", pk=award.batch_id)


# --- Donors ----------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def donors(request: HttpRequest) -> HttpResponse:
    actor: User = request.user  # type: ignore[assignment]  # login_required
    require(actor, Perm.AID_MANAGE)
    form = DonorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        org = sorted(grants_for(actor, Perm.AID_MANAGE), key=lambda g: g.org.level)[0].org
        d = form.cleaned_data
        donor = payments.donor_create(
            actor=actor,
            org=org,
            name=d["name"],
            kind=d["kind"],
            contact=d["contact"],
            pledged=d["pledged"] or Decimal(0),
        )
        messages.success(request, _("The donor is registered."))
        return redirect("aid:donor", pk=donor.pk)
    return render(request, "aid/donors.html", {"donors": selectors.donors_for(actor), "form": form})


def _aided_choices(actor: User) -> list[tuple[int, str]]:
    apps = (
        Application.objects.filter(
            org_scope_q(actor, Perm.AID_MANAGE),
            awards__cancelled_at__isnull=True,
            case__state__in=(CaseState.APPROVED, CaseState.UNDER_NOTICE, CaseState.CONFIRMED),
            pairing__isnull=True,
        )
        .select_related("district")
        .order_by("district__code", "pk")[:500]
    )
    return [
        (a.pk, f"{mask_name(a.student_name)} · {a.district.name} · {a.get_stage_display()}")
        for a in apps
    ]


@login_required
@require_http_methods(["GET", "POST"])
def donor_page(request: HttpRequest, pk: int) -> HttpResponse:
    """A donor, the students paired with it one-to-one, and its jobs and internships."""
    actor: User = request.user  # type: ignore[assignment]  # login_required
    donor = selectors.donor_get_for(actor, pk)
    pairing_form = PairingForm(
        request.POST if "pair" in request.POST else None, students=_aided_choices(actor)
    )
    offer_form = OfferForm(request.POST if "offer" in request.POST else None)
    if request.method == "POST":
        try:
            if "pair" in request.POST and pairing_form.is_valid():
                d = pairing_form.cleaned_data
                application = Application.objects.get(pk=d["application"])
                payments.pairing_create(
                    actor=actor,
                    donor=donor,
                    application=application,
                    yearly=d["yearly"] or Decimal(0),
                    note=d["note"],
                )
                messages.success(request, _("The pairing is recorded."))
                return redirect("aid:donor", pk=donor.pk)
            if "offer" in request.POST and offer_form.is_valid():
                payments.offer_create(actor=actor, donor=donor, **offer_form.cleaned_data)
                messages.success(request, _("The offer is published to aided students."))
                return redirect("aid:donor", pk=donor.pk)
        except ValidationError as exc:
            (pairing_form if "pair" in request.POST else offer_form).add_error(None, exc)
        except PermissionDenied as exc:
            raise Http404 from exc
    pairings = donor.pairings.select_related("application", "application__district")
    context = {
        "donor": donor,
        "pairings": [(p, mask_name(p.application.student_name)) for p in pairings],
        "offers": donor.offers.all(),
        "pairing_form": pairing_form,
        "offer_form": offer_form,
    }
    return render(request, "aid/donor.html", context)
