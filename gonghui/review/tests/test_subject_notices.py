"""R6 for subjects that are not review cases (an appraisal's ranking): they go on the same
public notice, masked; objections to them are filed with a reason and each is answered; a
sustained one takes the entry off and tells the program; when the notice closes the program
is told which entries stand, through the registry's on_notice_entry hook."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.test import Client
from django.utils import timezone

from gonghui.core.models import AuditEntry, Org, User
from gonghui.review import notices, services
from gonghui.review.models import CaseState, Decision, Notice, NoticeEntry, ReviewCase
from gonghui.review.programs import PROGRAMS, ReviewProgram, register

pytestmark = pytest.mark.django_db

Told = list[tuple[str, str]]  # (the entry's label, the decision) in the order told


@pytest.fixture
def told() -> Iterator[Told]:
    heard: Told = []
    register(
        ReviewProgram(
            code="test.subjects",
            label="测试结果公示",
            on_notice_entry=lambda entry, decision: heard.append((entry.public_label, decision)),
        )
    )
    register(ReviewProgram(code="test.quiet", label="无回调"))
    yield heard
    PROGRAMS.pop("test.subjects")
    PROGRAMS.pop("test.quiet")


def _subjects(n: int, prefix: str = "subject") -> list[User]:
    return [User.objects.create(username=f"{prefix}-{i}") for i in range(n)]  # any model


@pytest.fixture
def notice(personas: dict[str, User], orgs: dict[str, Org], told: Told) -> Notice:
    return notices.notice_publish(
        actor=personas["city_admin"],
        program="test.subjects",
        org=orgs["HH"],
        title="2026年度评选结果公示",
        subjects=[(s, f"{i + 1}号 · 张*{i}") for i, s in enumerate(_subjects(3))],
        starts_on=dt.date(2026, 9, 28),
    )


def _at(monkeypatch: pytest.MonkeyPatch, day: dt.date) -> None:
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: day)


def _entry(notice: Notice, label: str) -> NoticeEntry:
    return notice.entries.get(public_label=label)


def test_r06_subjects_go_on_notice_for_five_working_days_with_their_label(
    notice: Notice, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert notice.ends_on == dt.date(2026, 10, 10)  # the period that cases get
    entry = _entry(notice, "1号 · 张*0")
    assert entry.case is None and isinstance(entry.subject, User)
    assert entry.subject_type == ContentType.objects.get_for_model(User)
    audit = AuditEntry.objects.get(action="review.notice_publish")
    assert audit.after is not None
    assert (audit.after["cases"], audit.after["subjects"]) == (0, 3)
    _at(monkeypatch, dt.date(2026, 9, 29))
    body = Client().get(f"/notices/{notice.pk}/").content.decode()
    assert "1号 · 张*0" in body and "3号 · 张*2" in body and "subject-0" not in body


def test_r06_objection_to_a_subject_entry_needs_a_reason_and_is_answered(  # type: ignore[no-untyped-def]
    notice: Notice, personas: dict[str, User], client_for, told: Told, monkeypatch
) -> None:
    _at(monkeypatch, dt.date(2026, 9, 29))
    entry = _entry(notice, "2号 · 张*1")
    with pytest.raises(ValidationError):
        notices.objection_file(notice=notice, entry=entry, reason="  ")
    Client().post(f"/notices/{notice.pk}/", {"entry": entry.pk, "reason": "得分有误"})
    objection = notice.objections.get()
    assert objection.entry == entry
    staff = client_for("city_admin")
    assert "2号 · 张*1" in staff.get(f"/notices/{notice.pk}/objections/").content.decode()
    staff.post(f"/objections/{objection.pk}/answer/", {"answer": "经复核，得分无误"})
    objection.refresh_from_db()
    assert (objection.answer, objection.sustained) == ("经复核，得分无误", False)
    assert AuditEntry.objects.filter(action="review.objection_answer").count() == 1
    assert told == []  # nothing is decided before the notice closes


def test_r06_closing_tells_the_program_each_subject_is_confirmed(
    notice: Notice, personas: dict[str, User], told: Told, monkeypatch: pytest.MonkeyPatch
) -> None:
    _at(monkeypatch, dt.date(2026, 9, 30))
    objection = notices.objection_file(notice=notice, reason="名单有疑问")
    _at(monkeypatch, dt.date(2026, 10, 10))
    assert notices.notice_close(notice_id=notice.pk).state == "open"  # the period still runs
    _at(monkeypatch, dt.date(2026, 10, 12))
    assert notices.notice_close(notice_id=notice.pk).state == "open"  # an answer is missing
    assert told == []
    notices.objection_answer(
        actor=personas["city_admin"], objection=objection, answer="名单无误", sustained=False
    )
    notice.refresh_from_db()
    assert notice.state == "closed"  # the last answer after the period closes it
    assert told == [
        ("1号 · 张*0", Decision.CONFIRM),
        ("2号 · 张*1", Decision.CONFIRM),
        ("3号 · 张*2", Decision.CONFIRM),
    ]
    notices.notice_close(notice_id=notice.pk)
    assert len(told) == 3  # closed once


def test_r06_sustained_objection_takes_the_subject_off_and_tells_the_program(
    notice: Notice, personas: dict[str, User], told: Told, monkeypatch: pytest.MonkeyPatch
) -> None:
    _at(monkeypatch, dt.date(2026, 9, 30))
    entry = _entry(notice, "2号 · 张*1")
    first = notices.objection_file(notice=notice, entry=entry, reason="票数有刷票嫌疑")
    second = notices.objection_file(notice=notice, entry=entry, reason="同一事由")
    for objection in (first, second):
        notices.objection_answer(
            actor=personas["city_admin"],
            objection=objection,
            answer="查实刷票，撤下",
            sustained=True,
        )
    entry.refresh_from_db()
    assert entry.withdrawn
    assert told == [("2号 · 张*1", Decision.SEND_BACK)]  # told once
    body = Client().get(f"/notices/{notice.pk}/").content.decode()
    assert "2号 · 张*1" not in body
    assert ">3.</span>" in body and ">2.</span>" not in body  # the others keep their numbers
    _at(monkeypatch, dt.date(2026, 10, 12))
    notices.notice_close(notice_id=notice.pk)
    assert told[1:] == [("1号 · 张*0", Decision.CONFIRM), ("3号 · 张*2", Decision.CONFIRM)]
    close = AuditEntry.objects.get(action="review.notice_close")
    assert close.after is not None
    assert len(close.after["subjects_confirmed"]) == 2


def test_r06_a_notice_holds_cases_and_subjects_together(
    personas: dict[str, User], orgs: dict[str, Org], told: Told, monkeypatch: pytest.MonkeyPatch
) -> None:
    union = orgs["HH-DH-JD1-001"]
    case = services.case_open(
        actor=personas["factory_chair"],
        program="test.subjects",
        subject=union,
        org=union,
        title="案",
    )
    case = services.case_submit(actor=personas["factory_chair"], case=case)
    case = services.case_approve(actor=personas["donghu_staff"], case=case)
    case = services.case_approve(actor=personas["city_admin"], case=case)
    mixed = notices.notice_publish(
        actor=personas["city_admin"],
        program="test.subjects",
        org=orgs["HH"],
        title="公示",
        cases=[(case, "张*甲")],
        subjects=[(_subjects(1)[0], "张*乙")],
        starts_on=dt.date(2026, 9, 28),
    )
    _at(monkeypatch, dt.date(2026, 10, 12))
    notices.notice_close(notice_id=mixed.pk)
    assert ReviewCase.objects.get(pk=case.pk).state == CaseState.CONFIRMED
    assert told == [("张*乙", Decision.CONFIRM)]


def test_r06_a_program_without_the_hook_closes_its_notice_all_the_same(
    personas: dict[str, User], orgs: dict[str, Org], told: Told, monkeypatch: pytest.MonkeyPatch
) -> None:
    quiet = notices.notice_publish(
        actor=personas["city_admin"],
        program="test.quiet",
        org=orgs["HH"],
        title="公示",
        subjects=[(s, "张*") for s in _subjects(1)],
        starts_on=dt.date(2026, 9, 28),
    )
    _at(monkeypatch, dt.date(2026, 10, 12))
    assert notices.notice_close(notice_id=quiet.pk).state == "closed"


def test_entry_is_a_case_or_a_subject_never_both_nor_neither(
    notice: Notice, personas: dict[str, User], orgs: dict[str, Org]
) -> None:
    union = orgs["HH-DH-JD1-001"]
    case = services.case_open(
        actor=personas["factory_chair"],
        program="test.subjects",
        subject=union,
        org=union,
        title="案",
    )
    user_type = ContentType.objects.get_for_model(User)
    subject = _subjects(1, "other")[0]
    with pytest.raises(IntegrityError), transaction.atomic():
        NoticeEntry.objects.create(notice=notice, public_label="无对象")
    with pytest.raises(IntegrityError), transaction.atomic():
        NoticeEntry.objects.create(
            notice=notice,
            case=case,
            subject_type=user_type,
            subject_id=str(subject.pk),
            public_label="两者皆有",
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        NoticeEntry.objects.create(notice=notice, subject_type=user_type, public_label="缺编号")


def test_a_subject_goes_on_a_notice_once(notice: Notice) -> None:
    entry = _entry(notice, "1号 · 张*0")
    with pytest.raises(IntegrityError), transaction.atomic():
        NoticeEntry.objects.create(
            notice=notice,
            subject_type=entry.subject_type,
            subject_id=entry.subject_id,
            public_label="重复",
        )
