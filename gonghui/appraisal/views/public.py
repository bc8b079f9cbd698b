"""The public side of an appraisal, made for phones: the campaign with its candidates, a
candidate's page (a view counted once per viewer per period, R20), the phone verification
by SMS code, and the vote and like buttons (htmx; every refusal is said in words, R21).
Anonymous: the voter is who verified the phone in this browser session."""

from __future__ import annotations

import functools
import secrets
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gonghui.appraisal import selectors
from gonghui.appraisal.forms import CodeForm, PhoneForm
from gonghui.appraisal.models import Campaign, Candidate, CandidateState, Voter
from gonghui.appraisal.services import counters, voting
from gonghui.core import ratelimit

VOTER_COOKIE = "gh_voter"  # the verified voter, signed: no session read on the hot path
VOTER_SALT = "gonghui.appraisal.voter"
VOTER_DAYS = 30  # a phone verified once votes from this browser for a month
DEVICE_COOKIE = "gh_device"
VOTES_PER_ADDRESS_PER_MINUTE = 120  # soft: beyond it a voter is asked to wait, and flagged
CODES_PER_ADDRESS_PER_HOUR = 30


def _voter_id(request: HttpRequest) -> int | None:
    raw = request.get_signed_cookie(
        VOTER_COOKIE, default=None, salt=VOTER_SALT, max_age=VOTER_DAYS * 86400
    )
    return int(raw) if raw and raw.isdigit() else None


def _voter(request: HttpRequest) -> Voter | None:
    pk = _voter_id(request)
    return Voter.objects.filter(pk=pk).first() if pk else None


def voter_cookie(response: HttpResponse, voter: Voter) -> HttpResponse:
    """Makes the browser behind `response` the voter's (signed, HTTP only, a month)."""
    response.set_signed_cookie(
        VOTER_COOKIE,
        str(voter.pk),
        salt=VOTER_SALT,
        max_age=VOTER_DAYS * 86400,
        httponly=True,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )
    return response


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
    request: HttpRequest,
    campaign: Campaign | voting.CampaignRef,
    known: dict[str, Any] | None = None,
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
    assert isinstance(campaign, Campaign)
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
    context = (
        _context(request, campaign)
        | {
            "candidate": candidate,
            "votes": None if counts is None else counts.get(candidate.pk, 0),
            "views": counters.shown(candidate, "views"),
            "likes": counters.shown(candidate, "likes"),
            "share_url": request.build_absolute_uri(request.path),
        }
        | _action_urls(campaign, candidate)
    )
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
                return voter_cookie(redirect(back), voter)
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


def _action_urls(
    campaign: Campaign | voting.CampaignRef, candidate: Candidate | voting.CandidateRef
) -> dict[str, object]:
    return {
        "vote_url": reverse("appraisal:vote", args=[campaign.pk, candidate.pk]),
        "like_url": reverse("appraisal:like", args=[campaign.pk, candidate.pk]),
        "candidate_url": lambda: reverse(  # only a refusal to an unverified voter links back
            "appraisal:candidate", args=[campaign.pk, candidate.number or 0]
        ),
    }


@functools.lru_cache(maxsize=4096)
def _voter_buttons(  # the key is every value the partial shows
    language: str,
    campaign_pk: int,
    votes_per_day: int,
    candidate_pk: int,
    number: int | None,
    state: str,
    likes: int,
    is_open: bool,
    votes_left: int,
    voted: bool,
    message: str,
    error: str,
) -> str:
    """The buttons and voter bar as a verified voter sees them after an htmx action: a pure
    function of its arguments, drawn once per process for each (a vote burst repeats a few
    dozen of them), which spares the vote's hot path the template."""
    campaign = voting.CampaignRef(pk=campaign_pk, votes_per_day=votes_per_day)
    candidate = voting.CandidateRef(pk=candidate_pk, number=number, state=state, likes=likes)
    context = {
        "campaign": campaign,
        "candidate": candidate,
        "voter": True,
        "votes_left": votes_left,
        "voted": {candidate_pk} if voted else set(),
        "open": is_open,
        "message": message,
        "error": error,
        "likes": likes,
    } | _action_urls(campaign, candidate)
    with translation.override(language):
        return render_to_string("appraisal/_partials/actions.html", context)


def _actions(
    request: HttpRequest,
    campaign: Campaign | voting.CampaignRef,
    candidate: Candidate | voting.CandidateRef,
    *,
    message: str = "",
    error: str = "",
    status: int = 200,
    known: dict[str, Any] | None = None,
) -> HttpResponse:
    context = (
        _context(request, campaign, known)
        | _action_urls(campaign, candidate)
        | {
            "candidate": candidate,
            "message": message,
            "error": error,
            "likes": counters.shown(candidate, "likes"),
        }
    )
    if request.headers.get("HX-Request"):
        # Only the partial, without context processors: the hot path of a vote. Its forms
        # post through htmx, which sends the page's CSRF token in a header.
        if context["voter"]:
            html = _voter_buttons(
                translation.get_language(),
                campaign.pk,
                campaign.votes_per_day,
                candidate.pk,
                candidate.number,
                candidate.state,
                context["likes"],
                context["open"],
                context["votes_left"],
                candidate.pk in context["voted"],
                message,
                error,
            )
        else:
            html = render_to_string(
                "appraisal/_partials/actions.html", context | {"request": request}
            )
        return HttpResponse(html, status=status)
    return redirect(reverse("appraisal:candidate", args=[campaign.pk, candidate.number or 0]))


@require_POST
def vote(request: HttpRequest, pk: int, candidate_pk: int) -> HttpResponse:
    """The hot path (bench/bench_vote.py): the voter from a signed cookie, one read and one
    write in `voting.cast`, and the buttons drawn from what those returned."""
    voter_id = _voter_id(request)
    if voter_id is None:
        campaign = selectors.public_campaign(pk)
        candidate = _candidate(campaign, candidate_pk)
        return _actions(request, campaign, candidate, error=_("Verify your phone to vote."))
    limit = getattr(
        settings, "APPRAISAL_VOTES_PER_NETWORK_PER_MINUTE", VOTES_PER_ADDRESS_PER_MINUTE
    )
    if not ratelimit.allow(ratelimit.client_key(request, "vote"), limit, 60):
        campaign = selectors.public_campaign(pk)
        return _actions(
            request,
            campaign,
            _candidate(campaign, candidate_pk),
            error=_("Many votes come from this network just now; wait a minute and vote again."),
            status=429,
        )
    try:
        done = voting.cast(
            campaign_id=pk, candidate_id=candidate_pk, voter_id=voter_id, client=_client(request)
        )
    except voting.NotACandidateError:
        raise Http404 from None
    except voting.VoteRefusedError as exc:
        seen = exc.standing
        return _actions(
            request,
            seen.campaign,
            seen.candidate,
            error=exc.messages[0],
            known={
                "voter": seen.voter_known,
                "votes_left": seen.votes_left,
                "voted": {candidate_pk} if seen.again else set(),
                "open": seen.open_at(timezone.now()),
            },
        )
    return _actions(
        request,
        done.standing.campaign,
        done.standing.candidate,
        message=_("Your vote for No. %(n)s is counted.") % {"n": done.standing.candidate.number},
        # The slot is the day's count so far: what is left needs no query.
        known={"voter": True, "votes_left": done.votes_left, "voted": {candidate_pk}},
    )


@require_POST
def like(request: HttpRequest, pk: int, candidate_pk: int) -> HttpResponse:
    campaign = selectors.public_campaign(pk)
    candidate = _candidate(campaign, candidate_pk)
    counted = counters.count(candidate_id=candidate.pk, field="likes", viewer=_viewer(request))
    message = _("Thank you for the like.") if counted else _("You liked this today already.")
    return _actions(request, campaign, candidate, message=message)
