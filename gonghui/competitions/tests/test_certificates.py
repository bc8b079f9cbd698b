"""Certificates: issued from published results, a PDF whose Chinese text reads back with
pdftotext, the public verification page and the scoped download (PROGRAMS §7, Results)."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured, PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from gonghui.competitions import certificates, services
from gonghui.competitions.models import Certificate, Contest, EntryKind
from gonghui.core.models import AuditEntry, Org, User
from gonghui.orgs.tests.factories import member
from gonghui.scoring import engine
from gonghui.scoring import services as scoring
from gonghui.scoring.models import Panel, Result

pytestmark = pytest.mark.django_db

FACTORY = "HH-DH-JD1-001"
# Entrant → (theory, practical): the courier wins, 吴 comes second, 郑 third.
MARKS = {"周骑手": (90, 95), "吴电工": (80, 85), "郑电工": (60, 70)}


def _contest(personas: dict[str, User], orgs: dict[str, Org]) -> Contest:
    staff = personas["donghu_staff"]
    now = timezone.now()
    contest = services.contest_create(
        actor=staff,
        org=orgs["HH-DH"],
        title="东湖区电工技能竞赛",
        job_types=[services.job_type_create(actor=staff, code="electrician", name="电工")],
        starts_at=now + dt.timedelta(days=10),
        ends_at=now + dt.timedelta(days=10, hours=2),
        closes_at=now + dt.timedelta(days=3),
        venue="东湖区职业技能实训基地",
        time_limit_minutes=60,
        entry_kind=EntryKind.INDIVIDUAL,
        prize_table=[engine.PrizeTier("first", 1), engine.PrizeTier("second", 1)],
        prize_money={"first": Decimal("5000")},
    )
    return services.contest_open(actor=staff, contest=contest)


def _judged(personas: dict[str, User], orgs: dict[str, Org], contest: Contest) -> Panel:
    """Registers three electricians, judges them with one judge and publishes the results."""
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
    Contest.objects.filter(pk=contest.pk).update(closes_at=timezone.now() - dt.timedelta(minutes=1))
    contest.refresh_from_db()
    staff = personas["donghu_staff"]
    panel = services.contest_panel_open(actor=staff, contest=contest)
    scoring.judge_add(actor=staff, panel=panel, user=personas["judge"])
    for entry in panel.entries.all():
        theory, practical = MARKS[entry.label]
        scoring.entry_time_record(actor=staff, entry=entry, seconds=3000)
        scoring.sheet_save(
            actor=personas["judge"],
            panel=panel,
            entry=entry,
            marks={"theory_paper": str(theory), "practical_task": str(practical)},
        )
    scoring.results_lock(actor=staff, panel=panel)
    return scoring.results_publish(actor=staff, panel=panel)


@pytest.fixture
def contest(personas: dict[str, User], orgs: dict[str, Org]) -> Contest:
    contest = _contest(personas, orgs)
    _judged(personas, orgs, contest)
    return contest


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
    contest = _contest(personas, orgs)
    with pytest.raises(ValidationError):
        certificates.certificates_issue(actor=personas["donghu_staff"], contest=contest)


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
