"""Campaign pages: the list, the figures with charts, and the campaign form with its tier
table (R10) and district budgets (R12)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from gonghui.aid import selectors
from gonghui.aid.defaults import DEMO_OTHER_SCHEMES, DEMO_TIERS
from gonghui.aid.forms.autumn import CampaignForm
from gonghui.aid.models import Campaign, SchoolStage
from gonghui.aid.services import autumn
from gonghui.core.models import Org, User
from gonghui.core.money import format_yuan
from gonghui.core.permissions import Perm
from gonghui.core.scoping import actor_can, grants_for
from gonghui.review.models import CaseState


def _chart(rows: list[tuple[str, int]]) -> dict[str, list[Any]]:
    return {"labels": [r[0] for r in rows], "values": [r[1] for r in rows]}


@login_required
@require_GET
def campaign_list(request: HttpRequest) -> HttpResponse:
    actor: User = request.user  # type: ignore[assignment]  # login_required
    if not selectors.is_aid_staff(actor):
        raise Http404
    campaigns = list(selectors.campaigns_for(actor)[:50])
    rows = [(c, selectors.campaign_figures(actor=actor, campaign=c)) for c in campaigns]
    managed = [g.org for g in grants_for(actor, Perm.AID_MANAGE)]
    return render(
        request,
        "aid/campaigns.html",
        {"rows": rows, "can_create": bool(managed), "today": timezone.localdate()},
    )


@login_required
@require_GET
def campaign_page(request: HttpRequest, pk: int) -> HttpResponse:
    """The campaign's figures: applications by stage, status and district; money committed,
    paid and left; students aided."""
    actor: User = request.user  # type: ignore[assignment]  # login_required
    campaign = selectors.campaign_get_for(actor, pk)
    figures = selectors.campaign_figures(actor=actor, campaign=campaign)
    manage = actor_can(actor, Perm.AID_MANAGE, campaign.org)
    amounts = {(t.stage, t.on_file): t.amount for t in campaign.tiers.all()}
    waiting = selectors.awards_before_notice_ends(actor, campaign) if manage else {}
    context = {
        "campaign": campaign,
        "figures": figures,
        # Laid out as the campaign form lays it out: a stage a row, on file and off file.
        "tier_rows": [
            (label, amounts.get((stage, True)), amounts.get((stage, False)))
            for stage, label in SchoolStage.choices
        ],
        # Approved awards are paid only after their public notice (R6): the federation is
        # told here, with the way to publish one.
        "to_publish": waiting.get(CaseState.APPROVED, 0),
        "on_notice": waiting.get(CaseState.UNDER_NOTICE, 0),
        "can_publish": actor_can(actor, Perm.CASE_REVIEW, campaign.org),
        "district_budgets": campaign.districts.select_related("district"),
        "stage_chart": _chart(figures.by_stage),
        "status_chart": _chart([r for r in figures.by_status if r[1]]),
        "district_chart": _chart([(name, n) for name, n, _money in figures.by_district]),
        "manage": manage,
        "payable": selectors.payable(actor, campaign).count() if manage else 0,
        "used_percent": int(figures.committed * 100 / figures.budget) if figures.budget else 0,
    }
    return render(request, "aid/campaign.html", context)


def _districts(org: Org) -> list[Org]:
    if org.level == 2:
        return []
    return list(Org.objects.filter(level=2, path__startswith=org.path).order_by("code"))


@login_required
@require_http_methods(["GET", "POST"])
def campaign_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """A new campaign (the demo city's tier table filled in to start from), or an edit."""
    actor: User = request.user  # type: ignore[assignment]  # login_required
    campaign: Campaign | None = None
    if pk is not None:
        campaign = selectors.campaign_get_for(actor, pk)
        if not actor_can(actor, Perm.AID_MANAGE, campaign.org):
            raise Http404
        org = campaign.org
    else:
        grants = sorted(grants_for(actor, Perm.AID_MANAGE), key=lambda g: g.org.level)
        if not grants:
            raise Http404
        org = grants[0].org
    districts = _districts(org)
    initial: dict[str, Any]
    if campaign is None:
        today = timezone.localdate()
        initial = {
            "title": _("%(year)d golden-autumn student aid") % {"year": today.year},
            "year": today.year,
            "other_schemes": DEMO_OTHER_SCHEMES,
        }
        initial |= {CampaignForm.tier_name(s, f): a for (s, f), a in DEMO_TIERS.items()}
    else:
        initial = {
            "title": campaign.title,
            "year": campaign.year,
            "budget": campaign.budget,
            "opens_on": campaign.opens_on,
            "closes_on": campaign.closes_on,
            "other_schemes": campaign.other_schemes,
        }
        initial |= {
            CampaignForm.tier_name(t.stage, t.on_file): t.amount for t in campaign.tiers.all()
        }
        initial |= {f"district_{d.district_id}": d.amount for d in campaign.districts.all()}
    form = CampaignForm(request.POST or None, initial=initial, districts=districts)
    if request.method == "POST" and form.is_valid():
        try:
            saved = autumn.campaign_save(
                actor=actor,
                org=org,
                data=form.data_for_service(),
                tiers=form.tiers(),
                district_budgets=form.district_budgets(),
                campaign=campaign,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        except PermissionDenied as exc:
            raise Http404 from exc
        else:
            messages.success(
                request,
                _("The campaign is saved: budget %(budget)s.")
                % {"budget": format_yuan(saved.budget)},
            )
            return redirect("aid:campaign", pk=saved.pk)
    return render(
        request, "aid/campaign_edit.html", {"form": form, "campaign": campaign, "org": org}
    )
