"""The candidate's share poster through the real path: a phone-sized PNG whose QR code reads
back as the candidate's page, there exactly when that page is (approved or disqualified,
once nominations close), drawn once and then served from the cache, counting no view (R20)."""

from __future__ import annotations

import datetime as dt
import io
import shutil
import subprocess
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.files.base import ContentFile
from django.http import HttpResponse
from django.http.response import HttpResponseBase
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image
from pytest_django import DjangoAssertNumQueries

from gonghui.appraisal.models import Campaign, Candidate, CandidateState
from gonghui.appraisal.services import campaigns, counters, fraud
from gonghui.appraisal.tests.factories import candidates, open_campaign
from gonghui.appraisal.views import share
from gonghui.core.models import Org, User
from gonghui.orgs.tests.factories import member

pytestmark = pytest.mark.django_db
ZBARIMG = shutil.which("zbarimg")


@pytest.fixture
def campaign(personas: dict[str, User], orgs: dict[str, Org]) -> Campaign:
    return open_campaign(personas["donghu_staff"], orgs["HH-DH"])


@pytest.fixture
def field(personas: dict[str, User], orgs: dict[str, Org], campaign: Campaign) -> list[Candidate]:
    return candidates(personas["donghu_staff"], campaign, orgs["HH-DH-KD-001"], 3)


def _poster_url(campaign: Campaign, number: int) -> str:
    return reverse("appraisal:poster", args=[campaign.pk, number])


def _page_url(campaign: Campaign, candidate: Candidate) -> str:
    """The candidate page as the test client's requests build it absolute."""
    path = reverse("appraisal:candidate", args=[campaign.pk, candidate.number])
    return f"http://testserver{path}"


def _png(response: HttpResponseBase) -> Image.Image:
    assert isinstance(response, HttpResponse)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    return Image.open(io.BytesIO(response.content))


def test_r20_an_approved_candidate_has_a_phone_sized_poster(
    campaign: Campaign, field: list[Candidate]
) -> None:
    response = Client().get(_poster_url(campaign, 2))
    with _png(response) as poster:
        assert poster.format == "PNG"
        assert poster.size == (share.WIDTH, share.HEIGHT) == (750, 1334)
    cache_control = {part.strip() for part in response["Cache-Control"].split(",")}
    assert cache_control == {"public", "max-age=600"}


def test_the_candidate_page_links_its_poster(campaign: Campaign, field: list[Candidate]) -> None:
    response = Client().get(reverse("appraisal:candidate", args=[campaign.pk, 2]))
    page = response.content.decode()
    assert f'href="{_poster_url(campaign, 2)}"' in page
    assert _("Share poster") in page


def test_the_posters_qr_code_reads_as_the_candidate_page(
    campaign: Campaign, field: list[Candidate], tmp_path: Path
) -> None:
    """Decoded by an independent reader, as a phone would (zbarimg: make system-deps)."""
    picture = tmp_path / "poster.png"
    picture.write_bytes(Client().get(_poster_url(campaign, 3)).content)
    assert ZBARIMG is not None, "zbarimg is missing: make system-deps installs zbar-tools"
    read = subprocess.run(
        [ZBARIMG, "--raw", "-q", str(picture)], capture_output=True, text=True, check=True
    )
    assert read.stdout.strip() == _page_url(campaign, field[2])


def test_the_posters_qr_modules_are_the_code_of_the_candidate_page(
    campaign: Campaign, field: list[Candidate]
) -> None:
    """Without a QR reader: the dark and light modules drawn in the poster's QR box are, one
    by one, those of the candidate page's URL."""
    with _png(Client().get(_poster_url(campaign, 1))) as poster:
        box = poster.crop(share.QR_BOX).convert("L")
    dark = box.point(lambda v: 255 if v < 128 else 0)
    bbox = dark.getbbox()
    assert bbox is not None
    expected = [row[4:-4] for row in share.qr_matrix(_page_url(campaign, field[0]))[4:-4]]
    n = len(expected)
    left, top, right, bottom = bbox
    assert right - left == bottom - top and (right - left) % n == 0
    module = (right - left) // n
    drawn = [
        [
            dark.getpixel((left + x * module + module // 2, top + y * module + module // 2)) == 255
            for x in range(n)
        ]
        for y in range(n)
    ]
    assert drawn == expected


def test_the_poster_shows_the_candidates_photo(campaign: Campaign, field: list[Candidate]) -> None:
    blue = Image.new("RGB", (300, 400), (20, 60, 200))
    upload = io.BytesIO()
    blue.save(upload, format="JPEG")
    field[0].photo.save("blue.jpg", ContentFile(upload.getvalue()))
    left, top, right, bottom = share.PHOTO_BOX
    centre = ((left + right) // 2, (top + bottom) // 2)
    with _png(Client().get(_poster_url(campaign, 1))) as poster:
        photo = poster.convert("RGB").getpixel(centre)
    with _png(Client().get(_poster_url(campaign, 2))) as poster:
        placeholder = poster.convert("RGB").getpixel(centre)
    assert isinstance(photo, tuple) and isinstance(placeholder, tuple)
    assert all(abs(got - want) < 8 for got, want in zip(photo, (20, 60, 200), strict=True))
    assert max(placeholder) - min(placeholder) < 16  # a neutral grey


def test_r22_a_disqualified_candidate_keeps_a_poster_as_it_keeps_its_page(
    personas: dict[str, User], campaign: Campaign, field: list[Candidate]
) -> None:
    before = Client().get(_poster_url(campaign, 2)).content
    fraud.candidate_disqualify(
        actor=personas["donghu_staff"], candidate=field[1], reason="冒名顶替"
    )
    after = Client().get(_poster_url(campaign, 2))
    assert after.status_code == 200 and after.content != before  # it no longer asks for votes


def test_no_poster_for_an_unknown_number(campaign: Campaign, field: list[Candidate]) -> None:
    for number in (4, 99999, 100000, 2**64):
        assert Client().get(_poster_url(campaign, number)).status_code == 404


def test_no_poster_for_a_nominated_or_refused_candidate(
    personas: dict[str, User], orgs: dict[str, Org], campaign: Campaign
) -> None:
    """They have no number, so no address; numbered by force, they still have no poster:
    the state decides, as for their page."""
    staff = personas["donghu_staff"]
    close = campaign.nominations_close
    Campaign.objects.filter(pk=campaign.pk).update(
        nominations_close=timezone.now() + dt.timedelta(minutes=5),
        voting_starts=timezone.now() + dt.timedelta(minutes=5),
    )
    campaign.refresh_from_db()
    station = orgs["HH-DH-KD-001"]
    waiting, refused = (
        campaigns.nomination_submit(
            actor=staff,
            campaign=campaign,
            person=member(station, name, platform="中通快递", job_type="快递员").person,
            story="风雨无阻。",
        )
        for name in ("李待审", "赵未过")
    )
    campaigns.candidate_decide(actor=staff, candidate=refused, approve=False, reason="年限不足")
    Campaign.objects.filter(pk=campaign.pk).update(
        nominations_close=close, voting_starts=timezone.now() - dt.timedelta(minutes=30)
    )
    Candidate.objects.filter(pk=waiting.pk).update(number=90)
    Candidate.objects.filter(pk=refused.pk).update(number=91)
    assert Candidate.objects.get(pk=waiting.pk).state == CandidateState.NOMINATED
    assert Candidate.objects.get(pk=refused.pk).state == CandidateState.REFUSED
    for number in (90, 91):
        assert Client().get(_poster_url(campaign, number)).status_code == 404
        page = reverse("appraisal:candidate", args=[campaign.pk, number])
        assert Client().get(page).status_code == 404


def test_no_poster_before_nominations_close(campaign: Campaign, field: list[Candidate]) -> None:
    Campaign.objects.filter(pk=campaign.pk).update(
        nominations_close=timezone.now() + dt.timedelta(days=1),
        voting_starts=timezone.now() + dt.timedelta(days=1),
    )
    assert Client().get(_poster_url(campaign, 1)).status_code == 404


def test_r20_the_poster_is_drawn_once_then_served_from_the_cache_and_counts_no_view(
    monkeypatch: pytest.MonkeyPatch,
    django_assert_num_queries: DjangoAssertNumQueries,
    campaign: Campaign,
    field: list[Candidate],
) -> None:
    """The two reads that find the candidate, never a write; the drawing only when what it
    shows has changed."""
    drawn: list[int] = []
    draw = share._draw

    def counted(campaign: Campaign, candidate: Candidate, url: str) -> bytes:
        drawn.append(candidate.pk)
        return draw(campaign, candidate, url)

    monkeypatch.setattr(share, "_draw", counted)
    with django_assert_num_queries(2) as reads:
        first = Client().get(_poster_url(campaign, 1)).content
    assert all(q["sql"].lstrip().upper().startswith("SELECT") for q in reads.captured_queries)
    with django_assert_num_queries(2):
        second = Client().get(_poster_url(campaign, 1)).content
    assert second == first and drawn == [field[0].pk]
    assert counters.shown(field[0], "views") == 0

    Candidate.objects.filter(pk=field[0].pk).update(story="二十年风雨无阻。")
    third = Client().get(_poster_url(campaign, 1)).content
    assert third != first and drawn == [field[0].pk, field[0].pk]


def test_missing_font_names_its_package(
    monkeypatch: pytest.MonkeyPatch, campaign: Campaign, field: list[Candidate]
) -> None:
    monkeypatch.setattr(share, "FONT_PATH", Path("/nonexistent/font.ttc"))
    with pytest.raises(ImproperlyConfigured, match="fonts-wqy-microhei"):
        Client().get(_poster_url(campaign, 1))
