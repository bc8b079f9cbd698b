"""Voting with WeChat instead of a phone (R21): the start that sends the voter to WeChat's
authorisation, the callback that makes this browser the voter behind the OpenID, and, with the
demo's DevBackend, the local page that stands in for WeChat. Every failure lands on the verify
page with a message saying what to do; none is a 500."""

from __future__ import annotations

import hashlib
import re
import secrets
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import BadRequest
from django.core.validators import RegexValidator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.crypto import constant_time_compare
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from gonghui.appraisal import selectors, wechat
from gonghui.appraisal.models import Campaign
from gonghui.appraisal.services import voting
from gonghui.appraisal.views import public

SESSION_KEY = "appraisal_wechat"  # the state sent to WeChat, the campaign and where to go back
DEV_OPENID_SESSION_KEY = "appraisal_wechat_dev_openid"
STATE_PATTERN = re.compile(r"[A-Za-z0-9]{1,128}")  # what WeChat carries back in `state`


def _backend() -> wechat.Backend:
    found = wechat.backend()
    if found is None:
        raise Http404
    return found


def _back(campaign: Campaign, wanted: object) -> str:
    """Where the voter returns: a page of this campaign only, as on the verify page."""
    if isinstance(wanted, str) and wanted.startswith(f"/vote/{campaign.pk}/"):
        return wanted
    return reverse("appraisal:campaign", args=[campaign.pk])


def _to_verify(campaign: Campaign, back: str) -> HttpResponse:
    url = reverse("appraisal:verify", args=[campaign.pk])
    return redirect(f"{url}?{urlencode({'next': back})}")


@require_GET
def wechat_start(request: HttpRequest, pk: int) -> HttpResponse:
    """Sends the voter to WeChat with a fresh `state` kept in the session for the callback."""
    backend = _backend()
    campaign = selectors.public_campaign(pk)
    state = secrets.token_hex(16)
    request.session[SESSION_KEY] = {
        "campaign": campaign.pk,
        "state": state,
        "next": _back(campaign, request.GET.get("next")),
    }
    callback = reverse("appraisal:wechat_callback", args=[campaign.pk])
    return redirect(
        backend.authorize_url(redirect_uri=request.build_absolute_uri(callback), state=state)
    )


@require_GET
def wechat_callback(request: HttpRequest, pk: int) -> HttpResponse:
    """WeChat sends the voter back here with a code: the state must be the one this browser
    was given, and the code must name an OpenID; then this browser is that OpenID's voter."""
    backend = _backend()
    campaign = selectors.public_campaign(pk)
    started: dict[str, Any] = request.session.pop(SESSION_KEY, None) or {}
    ours = started.get("campaign") == campaign.pk
    back = _back(campaign, started.get("next") if ours else None)
    if not (
        ours and constant_time_compare(str(started.get("state")), request.GET.get("state", ""))
    ):
        messages.error(
            request,
            _(
                "This WeChat sign-in was not started on this page or has expired. "
                "Tap the WeChat button again."
            ),
        )
        return _to_verify(campaign, back)
    code = request.GET.get("code", "")
    if not code:
        messages.warning(
            request, _("WeChat sign-in was cancelled. You may try again or verify your phone.")
        )
        return _to_verify(campaign, back)
    try:
        openid = backend.openid_for(code=code)
    except wechat.WeChatError:
        messages.error(
            request,
            _(
                "WeChat could not confirm who you are just now. Try again in a moment, "
                "or verify your phone by text message."
            ),
        )
        return _to_verify(campaign, back)
    voter = voting.wechat_voter(openid=openid, ip=str(request.META.get("REMOTE_ADDR", "")))
    messages.success(request, _("Signed in with WeChat: you may vote now."))
    return public.voter_cookie(redirect(back), voter)


class DevConsentForm(forms.Form):
    """The OpenID the demo's stand-in for WeChat vouches for (WeChat's own are 28 characters
    of letters, digits, - and _)."""

    openid = forms.CharField(
        label="OpenID",
        max_length=64,
        validators=[
            RegexValidator(
                r"^[A-Za-z0-9_-]+$", gettext_lazy("Letters, digits, - and _ only, as WeChat's.")
            )
        ],
        help_text=gettext_lazy(
            "Keep it to be the same voter each time; change it to vote as someone else."
        ),
    )


def _dev_openid(request: HttpRequest) -> str:
    """A fake OpenID that stays this browser's: from its device cookie, else its session."""
    device = request.COOKIES.get(public.DEVICE_COOKIE, "")
    if device:
        return "oDEMO" + hashlib.sha256(device.encode()).hexdigest()[:23]
    if DEV_OPENID_SESSION_KEY not in request.session:
        request.session[DEV_OPENID_SESSION_KEY] = "oDEMO" + secrets.token_hex(12)[:23]
    return str(request.session[DEV_OPENID_SESSION_KEY])


def _with_query(url: str, **query: str) -> str:
    return f"{url}{'&' if '?' in url else '?'}{urlencode(query)}"


@require_http_methods(["GET", "POST"])
def wechat_dev_consent(request: HttpRequest) -> HttpResponse:
    """模拟微信授权: the demo's stand-in for WeChat, there only with the DevBackend. It sends
    the browser back to this site's callback with the chosen OpenID as a signed code."""
    backend = _backend()
    if not isinstance(backend, wechat.DevBackend):
        raise Http404
    redirect_uri = request.GET.get("redirect_uri", "")
    state = request.GET.get("state", "")
    if not url_has_allowed_host_and_scheme(
        redirect_uri, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ) or not STATE_PATTERN.fullmatch(state):
        raise BadRequest("The stand-in for WeChat takes a callback on this site and a state.")
    form = DevConsentForm(
        request.POST if request.POST.get("action") == "allow" else None,
        initial={"openid": _dev_openid(request)},
    )
    if request.method == "POST":
        if request.POST.get("action") != "allow":
            return redirect(_with_query(redirect_uri, state=state))  # no code: cancelled
        if form.is_valid():
            code = backend.code_for(form.cleaned_data["openid"])
            return redirect(_with_query(redirect_uri, code=code, state=state))
    return render(request, "appraisal/wechat_consent.html", {"form": form})
