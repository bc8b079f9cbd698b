"""Staff pages of proposals: a federation's reward-tier table for a year (R13), and a proposal
filed by union staff on a worker's behalf. Each write is the existing lifecycle service."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from gonghui.core.http import request_user, run_step
from gonghui.core.models import Org
from gonghui.core.permissions import Perm
from gonghui.core.scoping import actor_can, grants_for, require
from gonghui.proposals import selectors
from gonghui.proposals.forms import StaffProposalForm, TierRow, TierTableForm
from gonghui.proposals.models import RewardTier
from gonghui.proposals.services import lifecycle

# --- Filing on a worker's behalf -----------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def submit_for(request: HttpRequest) -> HttpResponse:
    """Union staff file a worker's proposal (a paper form, a phone call): the service checks
    case.open at the lead proposer's union, so the page is for those who hold it somewhere."""
    actor = request_user(request)
    require(actor, Perm.CASE_OPEN)
    form = StaffProposalForm(request.POST or None, request.FILES or None, actor=actor)
    if request.method == "POST" and form.is_valid() and form.lead_person is not None:
        lead = form.lead_person
        try:
            proposal = lifecycle.proposal_submit(
                actor=actor,
                data=form.data_obj(),
                lead=lead,
                co_proposers=form.people,
                attachments=form.cleaned_data["attachments"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        except PermissionDenied as exc:  # the lead was found in the actor's case.open scope
            raise Http404 from exc
        else:
            messages.success(
                request,
                _("The proposal is filed for %(name)s; forward it when it has been checked.")
                % {"name": lead.name},
            )
            return redirect("proposals:detail", pk=proposal.pk)
    return render(
        request,
        "proposals/submit_for.html",
        {"form": form, "can_list": actor_can(actor, Perm.PROPOSAL_MANAGE)},
    )


# --- The reward-tier table -----------------------------------------------------------------


def _table_owner(org: Org, year: int) -> Org | None:
    """The federation whose table is in force at `org` (itself or the nearest one above), as
    lifecycle.tiers_for chooses it; None when the default placeholder applies."""
    ids = [int(pk) for pk in org.path.strip("/").split("/")]
    row = (
        RewardTier.objects.filter(org_id__in=ids, year=year)
        .select_related("org")
        .order_by("-org__level")
        .first()
    )
    return row.org if row else None


@login_required
@require_http_methods(["GET", "POST"])
def tiers(request: HttpRequest) -> HttpResponse:
    """The reward table in force for a federation and a year, saying whose it is, and the form
    to set the federation's own table for this year or the next (R13)."""
    actor = request_user(request)
    federations = list(selectors.manage_orgs(actor)[:200])
    # A grassroots chair sees the table in force at their own union, and cannot set one.
    orgs = federations or [g.org for g in grants_for(actor, Perm.PROPOSAL_MANAGE)]
    if not orgs:
        raise Http404
    source = request.POST if request.method == "POST" else request.GET
    this_year = timezone.localdate().year
    years = list(range(this_year + 1, this_year - 5, -1))
    org_text, year_text = source.get("org", ""), source.get("year", "")
    org = next((o for o in orgs if str(o.pk) == org_text), None if org_text else orgs[0])
    year = int(year_text) if year_text.isdigit() and len(year_text) == 4 else this_year
    if org is None or year not in years:  # another's federation, or a year not offered
        raise Http404
    editable = year >= this_year and org in federations
    in_force = lifecycle.tiers_for(org, year)
    owner = _table_owner(org, year)
    if request.method == "POST":
        if not editable:
            raise Http404
        form = TierTableForm(request.POST)
        if request.POST.get("op") == "add":
            form.blank_row()
        elif form.is_valid():
            pairs = form.pairs
            saved = run_step(
                request,
                lambda: lifecycle.reward_tiers_set(actor=actor, org=org, year=year, tiers=pairs),
            )
            if saved is not None:
                messages.success(
                    request,
                    _("The reward table of %(org)s for %(year)d is saved.")
                    % {"org": org.name, "year": year},
                )
                return redirect(f"{request.path}?org={org.pk}&year={year}")
        for text in form.errors:
            messages.error(request, text)
    else:
        form = TierTableForm(rows=[TierRow(str(m), str(a)) for _t, m, a in in_force])
        form.blank_row()
    context = {
        "orgs": orgs,
        "org": org,
        "year": year,
        "years": years,
        "editable": editable,
        "is_federation": org in federations,
        "in_force": in_force,
        "owner": owner,
        "is_default": owner is None,
        "form": form,
    }
    return render(request, "proposals/tiers.html", context)
