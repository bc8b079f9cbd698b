"""The staff side of an appraisal: campaigns, a new one, the campaign's page (nominations to
check, candidates with their three counts, R20), nominating a worker with a photo, and the
fraud review (R22): flags with their evidence, voided or cleared with a reason; a candidate
zeroed or disqualified with a reason. After the jury: the final ranking and its public
notice (R6), with the objections the notice's staff sustained."""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gonghui.appraisal import selectors
from gonghui.appraisal.forms import CampaignForm, NominationForm, ReasonForm
from gonghui.appraisal.models import Campaign, Candidate, CandidateState, CountDisplay, FraudFlag
from gonghui.appraisal.services import campaigns, counters, fraud, results, voting
from gonghui.core.http import request_user, run_step
from gonghui.core.models import User
from gonghui.core.permissions import Perm
from gonghui.core.scoping import actor_can, grants_for, org_scope_q
from gonghui.core.uploads import photo_reencode
from gonghui.orgs.models import Membership, MembershipState


@login_required
@require_GET
def campaign_list(request: HttpRequest) -> HttpResponse:
    actor = request_user(request)
    if not (actor_can(actor, Perm.APPRAISAL_MANAGE) or actor_can(actor, Perm.CASE_OPEN)):
        raise Http404
    context = {
        "campaigns": list(selectors.campaigns_for(actor)[:50]),
        "can_create": actor_can(actor, Perm.APPRAISAL_MANAGE),
    }
    return render(request, "appraisal/campaigns.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def campaign_new(request: HttpRequest) -> HttpResponse:
    actor = request_user(request)
    orgs = [
        g.org for g in sorted(grants_for(actor, Perm.APPRAISAL_MANAGE), key=lambda g: g.org.path)
    ]
    if not orgs:
        raise Http404
    form = CampaignForm(request.POST or None, orgs=orgs)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            campaign = campaigns.campaign_create(
                actor=actor,
                org=data["org"],
                title=data["title"],
                description=data["description"],
                nominations_close=data["nominations_close"],
                voting_starts=data["voting_starts"],
                voting_ends=data["voting_ends"],
                votes_per_day=data["votes_per_day"],
                self_nomination=data["self_nomination"],
                min_years=data["min_years"],
                count_display=CountDisplay(data["count_display"]),
                public_weight=Decimal(data["public_percent"]) / 100,
                winners=data["winners"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        except PermissionDenied as exc:
            raise Http404 from exc
        else:
            messages.success(request, _("The appraisal is created; unions may nominate now."))
            return redirect("appraisal:manage", pk=campaign.pk)
    return render(
        request, "appraisal/campaign_new.html", {"form": form}, status=400 if form.errors else 200
    )


@login_required
@require_GET
def manage(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request_user(request)
    campaign = selectors.campaign_get_for(actor, pk)
    manage_ = selectors.can_manage(actor, campaign)
    rows = list(
        campaign.candidates.select_related("person", "nominated_by_org").order_by(
            "state", "number", "pk"
        )
    )
    if not manage_:  # a nominating union sees its own nominations
        rows = [r for r in rows if actor_can(actor, Perm.CASE_OPEN, r.nominated_by_org)]
    tallies = voting.tallies(campaign) if manage_ else {}
    context = {
        "campaign": campaign,
        "manage": manage_,
        "rows": [
            {
                "candidate": c,
                "faults": campaigns.eligibility_faults(c)
                if c.state == CandidateState.NOMINATED and manage_
                else [],
                "votes": tallies.get(c.pk, 0),
                "views": counters.shown(c, "views"),
                "likes": counters.shown(c, "likes"),
            }
            for c in rows
        ],
        "open_flags": campaign.flags.filter(state="open").count() if manage_ else 0,
        "voting_over": timezone.now() >= campaign.voting_ends,
        "panel": results.jury_panel(campaign),
        "results": list(
            campaign.results.select_related("candidate__person").order_by(
                "rank", "candidate__number"
            )
        )
        if manage_
        else [],
        "reason_form": ReasonForm(),
        **(selectors.result_notice(actor, campaign) if manage_ else {}),
    }
    return render(request, "appraisal/manage.html", context)


@login_required
@require_POST
def decide(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request_user(request)
    candidate = (
        Candidate.objects.select_related("campaign").filter(pk=pk).first()
        if 0 < pk < 2**63
        else None
    )
    if candidate is None:
        raise Http404
    selectors.campaign_get_for(actor, candidate.campaign_id)
    approve = request.POST.get("decision") == "approve"
    decided = run_step(
        request,
        lambda: campaigns.candidate_decide(
            actor=actor, candidate=candidate, approve=approve, reason=request.POST.get("reason", "")
        ),
    )
    if decided is not None:
        if decided.state == CandidateState.APPROVED:
            messages.success(
                request,
                _("%(name)s is candidate No. %(n)s.") % {"name": decided, "n": decided.number},
            )
        else:
            messages.success(
                request, _("%(name)s: not eligible, the nominator is told why.") % {"name": decided}
            )
    return redirect("appraisal:manage", pk=candidate.campaign_id)


def _nominees(actor: User, campaign: Campaign) -> list[tuple[str, str]]:
    """The members the actor's unions may nominate: active, under the campaign's org."""
    rows = (
        Membership.objects.filter(
            org_scope_q(actor, Perm.CASE_OPEN),
            org__path__startswith=campaign.org.path,
            state=MembershipState.ACTIVE,
        )
        .exclude(person__in=Candidate.objects.filter(campaign=campaign).values("person"))
        .select_related("person", "org")
        .order_by("org__path", "person__name")[:500]
    )
    return [(str(m.person_id), f"{m.person.name} · {m.org.name}") for m in rows]


@login_required
@require_http_methods(["GET", "POST"])
def nominate(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request_user(request)
    campaign = selectors.campaign_get_for(actor, pk)
    if not actor_can(actor, Perm.CASE_OPEN):
        raise Http404
    form = NominationForm(
        request.POST or None, request.FILES or None, people=_nominees(actor, campaign)
    )
    if request.method == "POST" and form.is_valid():
        membership = (
            Membership.objects.select_related("person")
            .filter(person_id=int(form.cleaned_data["person"]), state=MembershipState.ACTIVE)
            .first()
        )
        try:
            if membership is None:
                raise ValidationError(_("Choose a current member."))
            photo = form.cleaned_data.get("photo")
            encoded = (
                photo_reencode(photo, name=f"candidate-{membership.person_id}") if photo else None
            )
            candidate = campaigns.nomination_submit(
                actor=actor,
                campaign=campaign,
                person=membership.person,
                story=form.cleaned_data["story"],
                photo=encoded,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        except PermissionDenied:
            form.add_error(None, _("You may nominate only members of the unions you work for."))
        else:
            messages.success(request, _("%(name)s is nominated.") % {"name": candidate})
            return redirect("appraisal:manage", pk=campaign.pk)
    return render(
        request,
        "appraisal/nominate.html",
        {"campaign": campaign, "form": form},
        status=400 if form.errors else 200,
    )


EVIDENCE = {
    "voters": gettext_lazy("Distinct voters"),
    "votes": gettext_lazy("Votes"),
    "minute": gettext_lazy("In the minute"),
    "hour": gettext_lazy("In the hour"),
    "top": gettext_lazy("Most voted for"),
    "seconds": gettext_lazy("Within seconds"),
    "of_day": gettext_lazy("Of the day's votes"),
    "day": gettext_lazy("Day"),
}


@login_required
@require_http_methods(["GET", "POST"])
def flags(request: HttpRequest, pk: int) -> HttpResponse:
    """The fraud review: "scan now" runs the signals; each flag is voided or cleared."""
    actor = request_user(request)
    campaign = selectors.campaign_get_for(actor, pk)
    if not selectors.can_manage(actor, campaign):
        raise Http404
    if request.method == "POST":
        found = fraud.fraud_scan(campaign=campaign)
        messages.success(request, _("Scan done: %(n)s suspicious clusters.") % {"n": len(found)})
        return redirect("appraisal:flags", pk=campaign.pk)
    rows = list(
        campaign.flags.select_related("candidate__person", "decided_by")
        .prefetch_related("votes")
        .order_by("state", "-found_at")
    )
    context = {
        "campaign": campaign,
        "flags": [
            {
                "flag": f,
                "votes": len(f.votes.all()),
                "sample": list(f.votes.all()[:5]),
                "evidence": [
                    (EVIDENCE.get(k, k), "；".join(map(str, v)) if isinstance(v, list) else v)
                    for k, v in f.evidence.items()
                ],
            }
            for f in rows
        ],
        "candidates": campaign.candidates.filter(state=CandidateState.APPROVED).select_related(
            "person"
        ),
    }
    return render(request, "appraisal/flags.html", context)


@login_required
@require_POST
def flag_decide(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request_user(request)
    flag = (
        FraudFlag.objects.select_related("campaign").filter(pk=pk).first()
        if 0 < pk < 2**63
        else None
    )
    if flag is None:
        raise Http404
    selectors.campaign_get_for(actor, flag.campaign_id)
    void = request.POST.get("decision") == "void"
    reason = request.POST.get("reason", "")
    if run_step(
        request, lambda: fraud.flag_decide(actor=actor, flag=flag, void=void, reason=reason)
    ):
        messages.success(
            request, _("Votes voided; the tallies are corrected.") if void else _("Flag cleared.")
        )
    return redirect("appraisal:flags", pk=flag.campaign_id)


@login_required
@require_POST
def candidate_action(request: HttpRequest, pk: int) -> HttpResponse:
    """Zero a candidate's votes or disqualify them, with a reason (R22)."""
    actor = request_user(request)
    campaign = selectors.campaign_get_for(actor, pk)
    if not selectors.can_manage(actor, campaign):
        raise Http404
    raw = request.POST.get("candidate", "")
    candidate = campaign.candidates.filter(pk=int(raw)).first() if raw.isdigit() else None
    if candidate is None:
        messages.error(request, _("Choose the candidate."))
        return redirect("appraisal:flags", pk=campaign.pk)
    reason = request.POST.get("reason", "")
    if request.POST.get("action") == "disqualify":
        if run_step(
            request,
            lambda: fraud.candidate_disqualify(actor=actor, candidate=candidate, reason=reason),
        ):
            messages.success(request, _("%(name)s is disqualified.") % {"name": candidate})
    else:
        n = run_step(
            request, lambda: fraud.candidate_zero(actor=actor, candidate=candidate, reason=reason)
        )
        if n is not None:
            messages.success(
                request, _("%(n)s votes of %(name)s voided.") % {"n": n, "name": candidate}
            )
    return redirect("appraisal:flags", pk=candidate.campaign_id)


@login_required
@require_POST
def jury_open(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request_user(request)
    campaign = selectors.campaign_get_for(actor, pk)
    panel = run_step(request, lambda: results.jury_open(actor=actor, campaign=campaign))
    if panel is None:
        return redirect("appraisal:manage", pk=campaign.pk)
    messages.success(request, _("The jury is open: seat the judges; they mark on their tablets."))
    return redirect("scoring:panel", pk=panel.pk)


@login_required
@require_POST
def results_compute(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request_user(request)
    campaign = selectors.campaign_get_for(actor, pk)
    rows = run_step(request, lambda: results.results_compute(actor=actor, campaign=campaign))
    if rows is not None:
        messages.success(
            request,
            _("The final ranking is computed: %(n)s recognised.")
            % {"n": sum(1 for r in rows if r.recognised)},
        )
    return redirect("appraisal:manage", pk=campaign.pk)


@login_required
@require_POST
def results_publish(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request_user(request)
    campaign = selectors.campaign_get_for(actor, pk)
    notice = run_step(request, lambda: results.results_publish(actor=actor, campaign=campaign))
    if notice is not None:
        messages.success(
            request,
            _("The result notice is published; objections may be raised until %(end)s.")
            % {"end": notice.ends_on.isoformat()},
        )
    return redirect("appraisal:manage", pk=campaign.pk)
