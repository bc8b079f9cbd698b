"""Certificates: issued from published results, a PDF whose Chinese text reads back with
pdftotext, the public verification page and the scoped download (PROGRAMS §7, Results)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured, PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from gonghui.competitions import certificates, services
from gonghui.competitions.models import Certificate, Contest
from gonghui.competitions.tests.factories import judged, open_contest
from gonghui.core.models import AuditEntry, Org, User
from gonghui.orgs.tests.factories import member
from gonghui.scoring import engine
from gonghui.scoring import services as scoring
from gonghui.scoring.models import Result

pytestmark = pytest.mark.django_db

FACTORY = "HH-DH-JD1-001"
# Entrant → (theory, practical): the courier wins, 吴 comes second, 郑 third.
MARKS = {"周骑手": (90, 95), "吴电工": (80, 85), "郑电工": (60, 70)}


def _judged(personas: dict[str, User], orgs: dict[str, Org]) -> Contest:
    """Three electricians (the courier on his own, two entered by their union), judged by one
    judge, results published."""
    staff = personas["donghu_staff"]
    contest = open_contest(
        staff,
        orgs["HH-DH"],
        title="东湖区电工技能竞赛",
        job=("electrician", "电工"),
        prizes=[engine.PrizeTier("first", 1), engine.PrizeTier("second", 1)],
    )
    courier = member(
        orgs["HH-DH-KD-001"], "周骑手", user=personas["courier_worker"], job_type="电工"
    ).person
    services.registration_submit(
        actor=personas["courier_worker"], contest=contest, people=[courier]
    )
    for name in ("吴电工", "郑电工"):
        person = member(orgs[FACTORY], name, job_type="电工").person
        services.registration_submit(
            actor=personas["factory_chair"], contest=contest, people=[person]
        )
    panel = judged(staff, personas["judge"], contest, MARKS)
    scoring.results_publish(actor=staff, panel=panel)
    return contest


@pytest.fixture
def contest(personas: dict[str, User], orgs: dict[str, Org]) -> Contest:
    return _judged(personas, orgs)


@pytest.fixture
def winner(personas: dict[str, User], contest: Contest) -> Certificate:
    certificates.certificates_issue(actor=personas["donghu_staff"], contest=contest)
    return Certificate.objects.get(contest=contest, person__name="周骑手")


def test_r19_certificates_go_to_every_awarded_entry_once(
    personas: dict[str, User], contest: Contest
) -> None:
    awarded = Result.objects.filter(panel__title=contest.title).exclude(prize_tier="", merit=False)
    issued = certificates.certificates_issue(actor=personas["donghu_staff"], contest=contest)
    assert len(issued) == awarded.count() >= 2
    titles = {c.person.name: c.title for c in issued}
    assert (titles["周骑手"], titles["吴电工"]) == ("一等奖", "二等奖")
    assert len({c.code for c in issued}) == len(issued)
    assert all(len(c.code) == 10 and not set(c.code) & set("01OIL") for c in issued)
    assert certificates.certificates_issue(actor=personas["donghu_staff"], contest=contest) == []
    assert Certificate.objects.filter(contest=contest).count() == len(issued)
    assert AuditEntry.objects.filter(action="competitions.certificates_issue").count() == 2


def test_certificates_wait_for_published_results(
    personas: dict[str, User], orgs: dict[str, Org]
) -> None:
    staff = personas["donghu_staff"]
    contest = open_contest(
        staff,
        orgs["HH-DH"],
        title="东湖区电工技能竞赛",
        job=("electrician", "电工"),
        prizes=[engine.PrizeTier("first", 1)],
    )
    person = member(orgs[FACTORY], "吴电工", job_type="电工").person
    services.registration_submit(actor=personas["factory_chair"], contest=contest, people=[person])
    judged(staff, personas["judge"], contest, MARKS)  # locked, not yet published (R19)
    with pytest.raises(ValidationError) as refused:
        certificates.certificates_issue(actor=staff, contest=contest)
    assert refused.value.code == "not_published"
    assert not Certificate.objects.exists()


def test_other_district_cannot_issue_certificates(
    personas: dict[str, User], contest: Contest
) -> None:
    with pytest.raises(PermissionDenied):
        certificates.certificates_issue(actor=personas["xishan_staff"], contest=contest)


def test_certificate_pdf_shows_the_chinese_name_and_prize(winner: Certificate) -> None:
    pdf = certificates.certificate_pdf(winner)
    assert pdf.startswith(b"%PDF") and b"FontFile2" in pdf  # the TrueType font is embedded
    pdftotext = shutil.which("pdftotext")
    assert pdftotext, "pdftotext is missing: make system-deps installs poppler-utils"
    text = subprocess.run(
        [pdftotext, "-layout", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()
    for shown in ("周骑手", "一等奖", "东湖区电工技能竞赛", winner.code):
        assert shown in text


def test_verification_page_shows_the_masked_name_and_valid(
    client: Client, winner: Certificate
) -> None:
    response = client.get(reverse("competitions:verify", args=[winner.code]))
    page = response.content.decode()
    assert response.status_code == 200
    assert "周*手" in page and "周骑手" not in page
    assert "真实有效" in page


def test_revoked_certificate_says_so(
    client: Client, personas: dict[str, User], winner: Certificate
) -> None:
    certificates.certificate_revoke(
        actor=personas["donghu_staff"], certificate=winner, reason="成绩复核有误"
    )
    page = client.get(reverse("competitions:verify", args=[winner.code])).content.decode()
    assert "成绩复核有误" in page
    assert "不再有效" in page and "真实有效" not in page


def test_unknown_code_is_404(client: Client, winner: Certificate) -> None:
    response = client.get(reverse("competitions:verify", args=["ABCDEFGHJK"]))
    assert response.status_code == 404


@pytest.mark.parametrize(
    ("persona", "status"),
    [("courier_worker", 200), ("donghu_staff", 200), ("xishan_staff", 404), ("factory_chair", 404)],
)
def test_download_is_for_the_winner_and_contest_staff(
    client: Client, personas: dict[str, User], winner: Certificate, persona: str, status: int
) -> None:
    client.force_login(personas[persona])
    response = client.get(reverse("competitions:certificate_download", args=[winner.pk]))
    assert response.status_code == status
    if status == 200:
        assert response["Content-Type"] == "application/pdf"


def test_missing_font_names_its_package(
    monkeypatch: pytest.MonkeyPatch, winner: Certificate
) -> None:
    monkeypatch.setattr(certificates, "FONT_NAME", "NotRegisteredYet")
    monkeypatch.setattr(certificates, "FONT_PATH", Path("/nonexistent/font.ttc"))
    with pytest.raises(ImproperlyConfigured, match="fonts-wqy-microhei"):
        certificates.certificate_pdf(winner)
