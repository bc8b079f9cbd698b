"""The public side of an appraisal, made for phones: the campaign with its candidates, a
candidate's page (a view counted once per viewer per period, R20), the phone verification
by SMS code, and the vote and like buttons (htmx; every refusal is said in words, R21).
Anonymous: the voter is who verified the phone in this browser session."""

from __future__ import annotations

import secrets
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gonghui.appraisal import selectors
from gonghui.appraisal.forms import CodeForm, PhoneForm
from gonghui.appraisal.models import Campaign, Candidate, CandidateState, Voter
from gonghui.appraisal.services import counters, voting
from gonghui.core import ratelimit

SESSION_VOTER = "appraisal_voter"
DEVICE_COOKIE = "gh_device"
VOTES_PER_ADDRESS_PER_MINUTE = 120  # soft: beyond it a voter is asked to wait, and flagged
CODES_PER_ADDRESS_PER_HOUR = 30


def _voter(request: HttpRequest) -> Voter | None:
    pk = request.session.get(SESSION_VOTER)
    return Voter.objects.filter(pk=pk).first() if isinstance(pk, int) else None


def _device(request: HttpRequest) -> str:
    return str(request.COOKIES.get(DEVICE_COOKIE, ""))[:64]


def _with_device(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    if not request.COOKIES.get(DEVICE_COOKIE):
        response.set_cookie(
            DEVICE_COOKIE,
            secrets.token_urlsafe(16),
            max_age=365 * 86400,
            httponly=True,
            samesite="Lax",
        )
    return response


def _viewer(request: HttpRequest) -> str:
    """Who counts as one viewer: the device cookie, else the address and browser."""
    device = _device(request)
    if device:
        return f"d:{device}"
    seen = f"{request.META.get('REMOTE_ADDR', '')}|{request.META.get('HTTP_USER_AGENT', '')}"
    return f"a:{ratelimit.address_hash(seen)[:24]}"


def _client(request: HttpRequest) -> voting.Client:
    return voting.Client(
        ip=str(request.META.get("REMOTE_ADDR", "")),
        user_agent=str(request.META.get("HTTP_USER_AGENT", ""))[:300],
        device=_device(request),
    )


def _context(
    request: HttpRequest, campaign: Campaign, known: dict[str, Any] | None = None
) -> dict[str, Any]:
    """What the voter bar and the buttons need; a vote just cast already knows it (`known`),
    which spares the hot path three queries."""
    if known is not None:
        return {
            "campaign": campaign,
            "open": True,
            "verify_url": reverse("appraisal:verify", args=[campaign.pk]),
            **known,
        }
    voter = _voter(request)
    return {
        "campaign": campaign,
        "voter": voter,
        "votes_left": voting.votes_left(campaign, voter) if voter else None,
        "voted": voting.voted_today(campaign, voter) if voter else set(),
        "open": voting.voting_open(campaign),
        "verify_url": reverse("appraisal:verify", args=[campaign.pk]),
    }


@require_GET
def campaign_page(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = selectors.public_campaign(pk)
    context = _context(request, campaign) | {
        "rows": selectors.standings(campaign, ranked=request.GET.get("sort") == "votes"),
        "sort": request.GET.get("sort", ""),
    }
    return _with_device(request, render(request, "appraisal/campaign_public.html", context))


@require_GET
def candidate_page(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    campaign = selectors.public_campaign(pk)
    candidate = selectors.candidate_public(campaign, number)
    counters.count(candidate_id=candidate.pk, field="views", viewer=_viewer(request))
    candidate.refresh_from_db(fields=["views", "likes"])  # a flush may just have moved them
    counts = selectors.shown_counts(campaign)
    context = _context(request, campaign) | {
        "candidate": candidate,
        "votes": None if counts is None else counts.get(candidate.pk, 0),
        "views": counters.shown(candidate, "views"),
        "likes": counters.shown(candidate, "likes"),
        "share_url": request.build_absolute_uri(request.path),
    }
    return _with_device(request, render(request, "appraisal/candidate_public.html", context))


@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest, pk: int) -> HttpResponse:
    """Step 1: the phone gets a code by SMS. Step 2: the code makes this browser its voter."""
    campaign = selectors.public_campaign(pk)
    back = request.GET.get("next", "")
    if not back.startswith(f"/vote/{campaign.pk}/"):
        back = reverse("appraisal:campaign", args=[campaign.pk])
    phone_form = PhoneForm(request.POST if request.POST.get("step") == "send" else None)
    code_form = CodeForm(request.POST if request.POST.get("step") == "check" else None)
    sent = False
    if request.method == "POST" and request.POST.get("step") == "send" and phone_form.is_valid():
        if not ratelimit.allow(
            ratelimit.client_key(request, "vote-code"), CODES_PER_ADDRESS_PER_HOUR
        ):
            phone_form.add_error(None, _("Too many codes from this network; try again later."))
        else:
            try:
                voting.phone_code_send(phone=phone_form.cleaned_data["phone"])
            except ValidationError as exc:
                phone_form.add_error(None, exc)
            else:
                sent = True
                code_form = CodeForm(initial={"phone": phone_form.cleaned_data["phone"]})
    if request.method == "POST" and request.POST.get("step") == "check":
        sent = True
        if code_form.is_valid():
            try:
                voter = voting.phone_code_check(
                    phone=code_form.cleaned_data["phone"],
                    code=code_form.cleaned_data["code"],
                    ip=str(request.META.get("REMOTE_ADDR", "")),
                )
            except ValidationError as exc:
                code_form.add_error("code", exc)
            else:
                request.session.cycle_key()
                request.session[SESSION_VOTER] = voter.pk
                return redirect(back)
    context = {
        "campaign": campaign,
        "phone_form": phone_form,
        "code_form": code_form,
        "sent": sent,
        "back": back,
    }
    return _with_device(request, render(request, "appraisal/verify.html", context))


def _candidate(campaign: Campaign, candidate_pk: int) -> Candidate:
    found = (
        campaign.candidates.select_related("person").filter(pk=candidate_pk).first()
        if 0 < candidate_pk < 2**63
        else None
    )
    if found is None or found.state not in (CandidateState.APPROVED, CandidateState.DISQUALIFIED):
        raise Http404
    return found


def _actions(
    request: HttpRequest,
    campaign: Campaign,
    candidate: Candidate,
    *,
    message: str = "",
    error: str = "",
    status: int = 200,
    known: dict[str, Any] | None = None,
) -> HttpResponse:
    context = _context(request, campaign, known) | {
        "candidate": candidate,
        "message": message,
        "error": error,
        "likes": counters.shown(candidate, "likes"),
    }
    if request.headers.get("HX-Request"):
        return render(request, "appraisal/_partials/actions.html", context, status=status)
    return redirect(reverse("appraisal:candidate", args=[campaign.pk, candidate.number or 0]))


@require_POST
def vote(request: HttpRequest, pk: int, candidate_pk: int) -> HttpResponse:
    campaign = selectors.public_campaign(pk)
    candidate = _candidate(campaign, candidate_pk)
    voter = _voter(request)
    if voter is None:
        return _actions(request, campaign, candidate, error=_("Verify your phone to vote."))
    limit = getattr(
        settings, "APPRAISAL_VOTES_PER_NETWORK_PER_MINUTE", VOTES_PER_ADDRESS_PER_MINUTE
    )
    if not ratelimit.allow(ratelimit.client_key(request, "vote"), limit, 60):
        return _actions(
            request,
            campaign,
            candidate,
            error=_("Many votes come from this network just now; wait a minute and vote again."),
            status=429,
        )
    try:
        vote = voting.vote_cast(
            campaign=campaign, candidate=candidate, voter=voter, client=_client(request)
        )
    except ValidationError as exc:
        return _actions(request, campaign, candidate, error=exc.messages[0])
    return _actions(
        request,
        campaign,
        candidate,
        message=_("Your vote for No. %(n)s is counted.") % {"n": candidate.number},
        # The slot is the day's count so far: what is left needs no query.
        known={
            "voter": voter,
            "votes_left": max(0, campaign.votes_per_day - vote.slot),
            "voted": {candidate.pk},
        },
    )


@require_POST
def like(request: HttpRequest, pk: int, candidate_pk: int) -> HttpResponse:
    campaign = selectors.public_campaign(pk)
    candidate = _candidate(campaign, candidate_pk)
    counted = counters.count(candidate_id=candidate.pk, field="likes", viewer=_viewer(request))
    message = _("Thank you for the like.") if counted else _("You liked this today already.")
    return _actions(request, campaign, candidate, message=message)
