"""The appraisal pages as their people use them (R20, R21, R22): a voter verifies a phone with
the code from the outbox, votes five times through htmx and is told why the sixth and a
second vote for the same candidate are refused; a reload does not add a view; staff create
a campaign, a union nominates with a photo that is re-encoded, staff check eligibility, scan
for fraud and void a cluster with a reason."""

from __future__ import annotations

import datetime as dt
import html
import io
import re
from collections.abc import Callable

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import HttpResponse
from django.http.response import HttpResponseBase
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image

from gonghui.appraisal.models import Campaign, Candidate, CandidateState, FlagState, Vote, Voter
from gonghui.appraisal.services import voting
from gonghui.appraisal.tests.factories import candidates, open_campaign
from gonghui.appraisal.views import public
from gonghui.core.models import AuditEntry, Org, User
from gonghui.core.sms import outbox_for
from gonghui.orgs.tests.factories import member

pytestmark = pytest.mark.django_db
ClientFor = Callable[[str], Client]
HX = {"HX-Request": "true"}
PHONE = "13912340000"


def _text(response: HttpResponseBase) -> str:
    assert isinstance(response, HttpResponse)
    return html.unescape(response.content.decode())


@pytest.fixture
def campaign(personas: dict[str, User], orgs: dict[str, Org]) -> Campaign:
    return open_campaign(personas["donghu_staff"], orgs["HH-DH"])


@pytest.fixture
def field(personas: dict[str, User], orgs: dict[str, Org], campaign: Campaign) -> list[Candidate]:
    return candidates(personas["donghu_staff"], campaign, orgs["HH-DH-KD-001"], 6)


def _verified(client: Client, campaign: Campaign) -> None:
    url = reverse("appraisal:verify", args=[campaign.pk])
    page = _text(client.post(url, {"step": "send", "phone": PHONE}))
    assert _("A 6-digit code is on its way by text message.") in page
    found = re.search(r"\d{6}", outbox_for(PHONE)[0].text)
    assert found is not None
    wrong = _text(client.post(url, {"step": "check", "phone": PHONE, "code": "000000"}))
    assert _("That code is not right.") in wrong
    done = client.post(url, {"step": "check", "phone": PHONE, "code": found.group()})
    assert done.status_code == 302


def test_r21_a_voter_verifies_then_votes_five_times_and_is_told_why_not_more(
    campaign: Campaign, field: list[Candidate]
) -> None:
    client = Client()
    vote_url = reverse("appraisal:vote", args=[campaign.pk, field[0].pk])
    before = _text(client.post(vote_url, headers=HX))
    assert _("Verify your phone to vote.") in before and not Vote.objects.exists()
    _verified(client, campaign)
    for candidate in field[:5]:
        page = _text(
            client.post(reverse("appraisal:vote", args=[campaign.pk, candidate.pk]), headers=HX)
        )
        assert _("Your vote for No. %(n)s is counted.") % {"n": candidate.number} in page
    again = _text(client.post(vote_url, headers=HX))
    assert _("You have voted for this candidate today.") in again
    sixth = _text(
        client.post(reverse("appraisal:vote", args=[campaign.pk, field[5].pk]), headers=HX)
    )
    assert _("You have used today's %(n)s votes; come back tomorrow.") % {"n": 5} in sixth
    assert Vote.objects.count() == 5
    vote = Vote.objects.first()
    assert vote is not None and vote.ip == "127.0.0.1"  # R22: where it came from is kept


def test_r21_the_voter_is_a_signed_cookie_that_cannot_be_forged_or_outlive_its_voter(
    campaign: Campaign, field: list[Candidate]
) -> None:
    """The browser keeps its verified voter in a signed cookie (no session read on the hot
    path): a forged one is no voter; one whose voter is gone is asked to verify again."""
    vote_url = reverse("appraisal:vote", args=[campaign.pk, field[0].pk])
    forged = Client()
    forged.cookies[public.VOTER_COOKIE] = "1"
    page = _text(forged.post(vote_url, headers=HX))
    assert _("Verify your phone to vote.") in page
    client = Client()
    _verified(client, campaign)
    Voter.objects.all().delete()  # the data was reset since the browser verified
    again = client.post(vote_url, headers=HX)
    assert again.status_code == 200
    assert _("Verify your phone to vote.") in _text(again) and not Vote.objects.exists()


def test_r21_a_candidate_the_public_cannot_see_takes_no_vote(
    personas: dict[str, User], orgs: dict[str, Org], campaign: Campaign, field: list[Candidate]
) -> None:
    client = Client()
    _verified(client, campaign)
    Candidate.objects.filter(pk=field[0].pk).update(state=CandidateState.NOMINATED)
    url = reverse("appraisal:vote", args=[campaign.pk, field[0].pk])
    assert client.post(url, headers=HX).status_code == 404
    other = open_campaign(personas["donghu_staff"], orgs["HH-DH"])
    assert (
        client.post(reverse("appraisal:vote", args=[other.pk, field[1].pk]), headers=HX).status_code
        == 404
    )
    assert not Vote.objects.exists()


def test_r20_a_reload_adds_no_view_and_the_three_counts_stay_apart(
    campaign: Campaign, field: list[Candidate]
) -> None:
    client = Client()
    url = reverse("appraisal:candidate", args=[campaign.pk, field[0].number])
    for _reload in range(4):
        client.get(url)
    Client().get(url)  # another browser
    page = _text(client.get(url))
    counts = re.findall(r"<dd class=\"col-8\"[^>]*>(\d+)</dd>", page)
    assert counts == ["2", "0", "0"]  # views, likes, votes


def test_staff_create_a_campaign_and_a_union_nominates_with_a_photo(
    client_for: ClientFor, personas: dict[str, User], orgs: dict[str, Org]
) -> None:
    staff = client_for("donghu_staff")
    start = timezone.localtime() + dt.timedelta(days=5)
    response = staff.post(
        reverse("appraisal:campaign_new"),
        {
            "org": str(orgs["HH-DH"].pk),
            "title": "东湖区最美快递员评选",
            "nominations_close": (start - dt.timedelta(days=1)).strftime("%Y-%m-%dT17:00"),
            "voting_starts": start.strftime("%Y-%m-%dT09:00"),
            "voting_ends": (start + dt.timedelta(days=10)).strftime("%Y-%m-%dT21:00"),
            "votes_per_day": "5",
            "min_years": "1",
            "count_display": "daily",
            "public_percent": "40",
            "winners": "30",
        },
    )
    campaign = Campaign.objects.get()
    assert response["Location"] == reverse("appraisal:manage", args=[campaign.pk])
    assert str(campaign.public_weight) == "0.40"
    courier = member(orgs["HH-DH-KD-001"], "周骑手", platform="中通快递").person
    picture = io.BytesIO()
    Image.new("RGB", (3000, 2000), "red").save(picture, format="PNG")
    upload = SimpleUploadedFile("周骑手.png", picture.getvalue(), content_type="image/png")
    chair = client_for("courier_chair")
    chair.post(
        reverse("appraisal:nominate", args=[campaign.pk]),
        {"person": str(courier.pk), "story": "十年无投诉", "photo": upload},
    )
    nominee = Candidate.objects.get()
    assert nominee.nominated_by_org == orgs["HH-DH-KD"]
    with Image.open(nominee.photo) as stored:
        assert stored.format == "JPEG" and max(stored.size) == 1080
    refused = _text(
        staff.post(
            reverse("appraisal:decide", args=[nominee.pk]), {"decision": "refuse"}, follow=True
        )
    )
    assert _("Give the reason; the nominator sees it.") in refused
    staff.post(reverse("appraisal:decide", args=[nominee.pk]), {"decision": "approve"})
    nominee.refresh_from_db()
    assert (nominee.state, nominee.number) == (CandidateState.APPROVED, 1)


def test_r22_staff_scan_and_void_a_cluster_with_a_reason(
    client_for: ClientFor, campaign: Campaign, field: list[Candidate]
) -> None:
    began = timezone.now()
    for i in range(70):
        voter = Voter.objects.create(kind="phone", key=f"farm-{i}", verified_at=began)
        voting.vote_cast(
            campaign=campaign,
            candidate=field[1],
            voter=voter,
            client=voting.Client(ip=f"117.8.9.{i + 1}", user_agent="okhttp"),
        )
    staff = client_for("donghu_staff")
    url = reverse("appraisal:flags", args=[campaign.pk])
    staff.post(url)
    flag = campaign.flags.get(kind="address")
    page = _text(staff.get(url))
    assert "117.8.9.0/24" in page
    assert f"{_('Distinct voters')}：70" in page  # the evidence, in words
    staff.post(reverse("appraisal:flag_decide", args=[flag.pk]), {"decision": "void", "reason": ""})
    flag.refresh_from_db()
    assert flag.state == FlagState.OPEN  # no reason, nothing done
    staff.post(
        reverse("appraisal:flag_decide", args=[flag.pk]),
        {"decision": "void", "reason": "同一网段70个新号码"},
    )
    assert voting.tally(field[1]) == 0
    assert AuditEntry.objects.filter(
        action="appraisal.flag_void", reason="同一网段70个新号码"
    ).exists()
    assert client_for("xishan_staff").get(url).status_code == 404


def test_r22_staff_disqualify_a_candidate_from_the_review_page(
    client_for: ClientFor, campaign: Campaign, field: list[Candidate]
) -> None:
    staff = client_for("donghu_staff")
    url = reverse("appraisal:candidate_action", args=[campaign.pk])
    page = _text(staff.post(url, {"action": "disqualify", "reason": ""}, follow=True))
    assert _("Choose the candidate.") in page
    page = _text(
        staff.post(url, {"candidate": str(field[2].pk), "action": "disqualify"}, follow=True)
    )
    assert _("Give the reason; it is kept with the action.") in page
    staff.post(url, {"candidate": str(field[2].pk), "action": "disqualify", "reason": "冒名顶替"})
    field[2].refresh_from_db()
    assert (field[2].state, field[2].reason) == (CandidateState.DISQUALIFIED, "冒名顶替")
    assert client_for("factory_chair").post(url, {"candidate": str(field[1].pk)}).status_code == 404
