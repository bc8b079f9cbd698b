"""Voters who sign in with WeChat (R21): with the demo's stand-in a voter goes from the verify
page to the consent page and back, lands where they were with the voter cookie, and votes; the
same OpenID is the same voter; a state this browser was not given is refused in words; the
official account's backend builds WeChat's authorisation URL and turns an errcode into a
clear error; without a backend there is neither the button nor the pages."""

from __future__ import annotations

import html
import re
from typing import Any
from unittest import mock
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpResponse
from django.http.response import HttpResponseBase
from django.test import Client
from django.urls import reverse
from django.utils.translation import gettext as _

from gonghui.appraisal import wechat
from gonghui.appraisal.models import Campaign, Candidate, Vote, Voter, VoterKind
from gonghui.appraisal.tests.factories import candidates, open_campaign
from gonghui.appraisal.views.public import VOTER_COOKIE
from gonghui.core.models import Org, User

pytestmark = pytest.mark.django_db
HX = {"HX-Request": "true"}
DEV = "gonghui.appraisal.wechat.DevBackend"
OFFICIAL = "gonghui.appraisal.wechat.OfficialAccountBackend"
IN_WECHAT = {"User-Agent": "Mozilla/5.0 (iPhone) AppleWebKit MicroMessenger/8.0.50"}


def _text(response: HttpResponseBase) -> str:
    assert isinstance(response, HttpResponse)
    return html.unescape(response.content.decode())


@pytest.fixture
def campaign(personas: dict[str, User], orgs: dict[str, Org]) -> Campaign:
    return open_campaign(personas["donghu_staff"], orgs["HH-DH"])


@pytest.fixture
def field(personas: dict[str, User], orgs: dict[str, Org], campaign: Campaign) -> list[Candidate]:
    return candidates(personas["donghu_staff"], campaign, orgs["HH-DH-KD-001"], 2)


@pytest.fixture
def dev(settings: Any) -> None:
    settings.APPRAISAL_WECHAT_BACKEND = DEV


@pytest.fixture
def official(settings: Any) -> None:
    settings.APPRAISAL_WECHAT_BACKEND = OFFICIAL
    settings.WECHAT_APPID = "wx1234567890abcdef"
    settings.WECHAT_SECRET = "the-app-secret"


def _signed_in(client: Client, campaign: Campaign, back: str, openid: str = "") -> str:
    """The whole way through the stand-in, as a voter taps it; returns where they land."""
    verify = _text(client.get(reverse("appraisal:verify", args=[campaign.pk]), {"next": back}))
    found = re.search(r'href="([^"]*/wechat/\?next=[^"]*)"', verify)
    assert found is not None and _("Vote with WeChat") in verify
    consent_url = client.get(found.group(1))["Location"]
    assert consent_url.startswith(reverse("appraisal:wechat_dev_consent"))
    page = client.get(consent_url)
    assert _("Simulated WeChat authorisation") in _text(page)
    chosen = openid or page.context["form"].initial["openid"]
    callback = client.post(consent_url, {"action": "allow", "openid": chosen})
    assert callback.status_code == 302
    landed = client.get(callback["Location"])
    assert landed.status_code == 302
    return str(landed["Location"])


def test_r21_a_wechat_voter_signs_in_through_the_stand_in_and_votes(
    dev: None, campaign: Campaign, field: list[Candidate]
) -> None:
    client = Client()
    back = reverse("appraisal:candidate", args=[campaign.pk, field[0].number])
    assert _signed_in(client, campaign, back) == back
    assert client.cookies[VOTER_COOKIE].value
    page = _text(client.get(back))
    assert _("Signed in with WeChat: you may vote now.") in page
    done = _text(
        client.post(reverse("appraisal:vote", args=[campaign.pk, field[0].pk]), headers=HX)
    )
    assert _("Your vote for No. %(n)s is counted.") % {"n": field[0].number} in done
    vote = Vote.objects.get()
    assert vote.voter.kind == VoterKind.WECHAT


def test_r21_the_same_openid_twice_is_the_same_voter_and_keeps_its_limit(
    dev: None, campaign: Campaign, field: list[Candidate]
) -> None:
    back = reverse("appraisal:campaign", args=[campaign.pk])
    first, second = Client(), Client()
    _signed_in(first, campaign, back, openid="oDEMOsameperson000000000000")
    first.post(reverse("appraisal:vote", args=[campaign.pk, field[0].pk]), headers=HX)
    _signed_in(second, campaign, back, openid="oDEMOsameperson000000000000")
    again = _text(
        second.post(reverse("appraisal:vote", args=[campaign.pk, field[0].pk]), headers=HX)
    )
    assert _("You have voted for this candidate today.") in again
    assert Voter.objects.count() == 1 and Vote.objects.count() == 1
    _signed_in(Client(), campaign, back, openid="oDEMOsomeoneelse00000000000")
    assert Voter.objects.count() == 2


def test_r21_a_state_this_browser_was_not_given_is_refused_in_words(
    dev: None, campaign: Campaign, field: list[Candidate]
) -> None:
    client = Client()
    client.get(reverse("appraisal:wechat_start", args=[campaign.pk]))
    code = wechat.DevBackend.code_for("oDEMOattacker00000000000000")
    url = reverse("appraisal:wechat_callback", args=[campaign.pk])
    refused = client.get(url, {"code": code, "state": "forged"}, follow=True)
    page = _text(refused)
    assert refused.redirect_chain[-1][0].startswith(reverse("appraisal:verify", args=[campaign.pk]))
    assert (
        _(
            "This WeChat sign-in was not started on this page or has expired. "
            "Tap the WeChat button again."
        )
        in page
    )
    assert VOTER_COOKIE not in client.cookies and not Voter.objects.exists()


def test_r21_a_forged_code_or_a_cancel_lands_on_the_verify_page_with_a_message(
    dev: None, campaign: Campaign, field: list[Candidate]
) -> None:
    client = Client()
    start = reverse("appraisal:wechat_start", args=[campaign.pk])
    state = parse_qs(urlsplit(client.get(start)["Location"]).query)["state"][0]
    url = reverse("appraisal:wechat_callback", args=[campaign.pk])
    forged = _text(client.get(url, {"code": "oDEMOmadeup", "state": state}, follow=True))
    assert (
        _(
            "WeChat could not confirm who you are just now. Try again in a moment, "
            "or verify your phone by text message."
        )
        in forged
    )
    state = parse_qs(urlsplit(client.get(start)["Location"]).query)["state"][0]
    cancelled = _text(client.get(url, {"state": state}, follow=True))
    assert _("WeChat sign-in was cancelled. You may try again or verify your phone.") in cancelled
    assert not Voter.objects.exists()


def test_r21_the_stand_in_sends_back_to_this_site_only(dev: None, campaign: Campaign) -> None:
    consent = reverse("appraisal:wechat_dev_consent")
    away = Client().get(consent, {"redirect_uri": "https://evil.example/cb", "state": "abc"})
    assert away.status_code == 400
    client = Client()
    consent_url = client.get(reverse("appraisal:wechat_start", args=[campaign.pk]))["Location"]
    bad = client.post(consent_url, {"action": "allow", "openid": "not an openid!"})
    assert bad.status_code == 200
    assert _("Letters, digits, - and _ only, as WeChat's.") in _text(bad)


def test_r21_the_official_account_builds_wechats_authorisation_url(
    official: None, campaign: Campaign
) -> None:
    back = reverse("appraisal:campaign", args=[campaign.pk])
    verify = _text(Client().get(reverse("appraisal:verify", args=[campaign.pk]), headers=IN_WECHAT))
    assert _("Vote with WeChat") in verify
    outside = _text(Client().get(reverse("appraisal:verify", args=[campaign.pk])))
    assert _("Vote with WeChat") not in outside  # outside WeChat it would be a dead end
    client = Client()
    location = client.get(reverse("appraisal:wechat_start", args=[campaign.pk]), {"next": back})
    url = urlsplit(location["Location"])
    query = parse_qs(url.query)
    assert f"{url.scheme}://{url.netloc}{url.path}" == wechat.AUTHORIZE_URL
    assert url.fragment == "wechat_redirect"
    callback = "http://testserver" + reverse("appraisal:wechat_callback", args=[campaign.pk])
    assert query == {
        "appid": ["wx1234567890abcdef"],
        "redirect_uri": [callback],
        "response_type": ["code"],
        "scope": ["snsapi_base"],
        "state": [client.session["appraisal_wechat"]["state"]],
    }
    assert "the-app-secret" not in location["Location"]


def test_r21_the_official_account_exchanges_a_code_and_maps_an_errcode(
    official: None, campaign: Campaign
) -> None:
    backend = wechat.OfficialAccountBackend()
    with mock.patch.object(wechat, "_fetch_json", return_value={"openid": "oAbc", "scope": "x"}):
        assert backend.openid_for(code="the-code") == "oAbc"
    refused = {"errcode": 40029, "errmsg": "invalid code"}
    with (
        mock.patch.object(wechat, "_fetch_json", return_value=refused) as fetch,
        pytest.raises(wechat.WeChatError, match="40029"),
    ):
        backend.openid_for(code="used-code")
    asked = urlsplit(fetch.call_args.args[0])
    assert asked.path == "/sns/oauth2/access_token"
    assert parse_qs(asked.query) == {
        "appid": ["wx1234567890abcdef"],
        "secret": ["the-app-secret"],
        "code": ["used-code"],
        "grant_type": ["authorization_code"],
    }


def test_r21_an_errcode_from_wechat_is_a_message_on_the_verify_page_not_a_500(
    official: None, campaign: Campaign
) -> None:
    client = Client()
    start = client.get(reverse("appraisal:wechat_start", args=[campaign.pk]), headers=IN_WECHAT)
    state = parse_qs(urlsplit(start["Location"]).query)["state"][0]
    url = reverse("appraisal:wechat_callback", args=[campaign.pk])
    refused = {"errcode": 40163, "errmsg": "code been used"}
    with mock.patch.object(wechat, "_fetch_json", return_value=refused):
        page = client.get(url, {"code": "c", "state": state}, follow=True, headers=IN_WECHAT)
    assert page.status_code == 200
    assert _(
        "WeChat could not confirm who you are just now. Try again in a moment, "
        "or verify your phone by text message."
    ) in _text(page)
    assert not Voter.objects.exists()


def test_r21_an_unreachable_wechat_is_a_clear_error(official: None) -> None:
    with (
        mock.patch("urllib.request.urlopen", side_effect=TimeoutError("timed out")),
        pytest.raises(wechat.WeChatError, match="could not be reached") as raised,
    ):
        wechat.OfficialAccountBackend().openid_for(code="c")
    assert "the-app-secret" not in str(raised.value)


def test_r21_without_a_backend_there_is_no_button_and_no_pages(
    settings: Any, campaign: Campaign
) -> None:
    settings.APPRAISAL_WECHAT_BACKEND = ""
    client = Client()
    verify = _text(client.get(reverse("appraisal:verify", args=[campaign.pk]), headers=IN_WECHAT))
    assert _("Vote with WeChat") not in verify and _("Send the code") in verify
    assert client.get(reverse("appraisal:wechat_start", args=[campaign.pk])).status_code == 404
    callback = reverse("appraisal:wechat_callback", args=[campaign.pk])
    assert client.get(callback, {"code": "c", "state": "s"}).status_code == 404
    assert client.get(reverse("appraisal:wechat_dev_consent")).status_code == 404


def test_r21_the_stand_in_refuses_to_run_in_production(settings: Any) -> None:
    settings.DEBUG = settings.DEMO = settings.TESTING = False
    with pytest.raises(ImproperlyConfigured, match="demo"):
        wechat.DevBackend()
