"""R6 public notice: at least the program's working days (holidays respected), masked entries,
objections with a reason from anyone, each answered; a sustained one sends the case back; the
cases are confirmed only after the period with every objection answered."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from gonghui.core.models import Org, User
from gonghui.review import notices, services
from gonghui.review.models import CaseState, Notice, Objection, ReviewCase
from gonghui.review.programs import PROGRAMS, ReviewProgram, register

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def program() -> Iterator[None]:
    register(ReviewProgram(code="test.notice", label="测试公示"))
    yield
    PROGRAMS.pop("test.notice")


def _approved(personas: dict[str, User], orgs: dict[str, Org], title: str) -> ReviewCase:
    union = orgs["HH-DH-JD1-001"]
    subject = User.objects.create(username=f"applicant-{title}")  # any model can be a subject
    case = services.case_open(
        actor=personas["factory_chair"],
        program="test.notice",
        subject=subject,
        org=union,
        title=title,
    )
    case = services.case_submit(actor=personas["factory_chair"], case=case)
    case = services.case_approve(actor=personas["donghu_staff"], case=case)
    return services.case_approve(actor=personas["city_admin"], case=case)


@pytest.fixture
def notice(personas, orgs) -> Notice:  # type: ignore[no-untyped-def]
    cases = [(_approved(personas, orgs, f"案{i}"), f"张*{i} · 东湖区 · 本科") for i in range(2)]
    return notices.notice_publish(
        actor=personas["city_admin"],
        program="test.notice",
        org=orgs["HH"],
        title="2026年金秋助学公示",
        cases=cases,
        starts_on=dt.date(2026, 9, 28),
    )


def _at(monkeypatch: pytest.MonkeyPatch, day: dt.date) -> None:
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: day)


def test_r06_period_is_five_working_days_across_national_day(notice: Notice) -> None:
    # From Monday 28 September 2026: 29, 30 September, then 8, 9, 10 (Saturday, worked) October.
    assert notice.ends_on == dt.date(2026, 10, 10)
    assert not notice.calendar_estimated
    assert set(ReviewCase.objects.values_list("state", flat=True)) == {CaseState.UNDER_NOTICE}


def test_r06_public_page_needs_no_login_and_shows_masked_entries(  # type: ignore[no-untyped-def]
    notice: Notice, monkeypatch
) -> None:
    _at(monkeypatch, dt.date(2026, 9, 29))
    body = Client().get(f"/notices/{notice.pk}/").content.decode()
    assert "张*0 · 东湖区 · 本科" in body and "案0" not in body


def test_r06_objection_needs_a_reason_and_a_real_attachment(notice: Notice, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    _at(monkeypatch, dt.date(2026, 9, 29))
    client = Client()
    client.post(f"/notices/{notice.pk}/", {"reason": "  "})
    fake = SimpleUploadedFile("proof.pdf", b"MZ\x90\x00 not a pdf")
    response = client.post(f"/notices/{notice.pk}/", {"reason": "家中有两套房", "attachment": fake})
    assert "PDF" in response.content.decode()
    assert not Objection.objects.exists()
    entry = notice.entries.first()
    assert entry is not None
    pdf = SimpleUploadedFile("proof.pdf", b"%PDF-1.4 proof")
    client.post(
        f"/notices/{notice.pk}/", {"reason": "家中有两套房", "entry": entry.pk, "attachment": pdf}
    )
    assert Objection.objects.get().entry == entry


def test_objections_are_rate_limited_per_address(notice: Notice, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    _at(monkeypatch, dt.date(2026, 9, 29))
    client = Client()
    for i in range(7):
        client.post(f"/notices/{notice.pk}/", {"reason": f"理由{i}"})
    assert Objection.objects.count() == 5


def test_r06_confirmed_only_after_the_period_and_every_answer(
    notice: Notice, personas: dict[str, User], monkeypatch: pytest.MonkeyPatch
) -> None:
    _at(monkeypatch, dt.date(2026, 9, 29))
    objection = notices.objection_file(notice=notice, reason="收入不实")
    _at(monkeypatch, dt.date(2026, 10, 10))
    assert notices.notice_close(notice_id=notice.pk).state == "open"  # the period still runs
    _at(monkeypatch, dt.date(2026, 10, 12))
    assert notices.notice_close(notice_id=notice.pk).state == "open"  # an answer is missing
    notices.objection_answer(
        actor=personas["city_admin"],
        objection=objection,
        answer="经核实，收入属实",
        sustained=False,
    )
    notice.refresh_from_db()
    assert notice.state == "closed"
    assert set(ReviewCase.objects.values_list("state", flat=True)) == {CaseState.CONFIRMED}


def test_r06_sustained_objection_sends_the_case_back(
    notice: Notice, personas: dict[str, User], monkeypatch: pytest.MonkeyPatch
) -> None:
    _at(monkeypatch, dt.date(2026, 9, 30))
    entry = notice.entries.order_by("pk").first()
    assert entry is not None
    objection = notices.objection_file(notice=notice, entry=entry, reason="已领取其他助学金")
    with pytest.raises(ValidationError):
        notices.objection_answer(
            actor=personas["city_admin"], objection=objection, answer=" ", sustained=True
        )
    notices.objection_answer(
        actor=personas["city_admin"],
        objection=objection,
        answer="查实重复资助，退回",
        sustained=True,
    )
    case = ReviewCase.objects.get(notice_entries=entry)
    assert (case.state, case.reason) == (CaseState.SENT_BACK, "查实重复资助，退回")
    _at(monkeypatch, dt.date(2026, 10, 12))
    notices.notice_close(notice_id=notice.pk)
    states = sorted(ReviewCase.objects.values_list("state", flat=True))
    assert states == [CaseState.CONFIRMED, CaseState.SENT_BACK]


def test_objections_close_with_the_notice(notice: Notice, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    _at(monkeypatch, dt.date(2026, 10, 11))
    with pytest.raises(ValidationError):
        notices.objection_file(notice=notice, reason="晚了")


def test_r01_only_the_publishing_level_answers(notice: Notice, client_for, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    _at(monkeypatch, dt.date(2026, 9, 29))
    objection = notices.objection_file(notice=notice, reason="有疑问")
    assert client_for("donghu_staff").get(f"/notices/{notice.pk}/objections/").status_code == 404
    response = client_for("donghu_staff").post(
        f"/objections/{objection.pk}/answer/", {"answer": "x"}
    )
    assert response.status_code == 404
    admin = client_for("city_admin")
    assert "有疑问" in admin.get(f"/notices/{notice.pk}/objections/").content.decode()
    admin.post(f"/objections/{objection.pk}/answer/", {"answer": "已核实"})
    objection.refresh_from_db()
    assert (objection.answer, objection.sustained) == ("已核实", False)


def test_only_approved_cases_go_under_notice(personas, orgs) -> None:  # type: ignore[no-untyped-def]
    union = orgs["HH-DH-JD1-001"]
    draft = services.case_open(
        actor=personas["factory_chair"],
        program="test.notice",
        subject=union,
        org=union,
        title="草稿",
    )
    with pytest.raises(ValidationError):
        notices.notice_publish(
            actor=personas["city_admin"],
            program="test.notice",
            org=orgs["HH"],
            title="公示",
            cases=[(draft, "张*")],
        )
