"""R5 a case climbs its program's chain, one level at a time, and nobody decides their own
case; R7 every step is on the case's append-only trail."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from gonghui.core.models import AppendOnlyError, AuditEntry, Org, User
from gonghui.core.services import role_grant
from gonghui.review import selectors, services
from gonghui.review.models import CaseState, ReviewCase
from gonghui.review.programs import PROGRAMS, ReviewProgram, register

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def programs() -> Iterator[None]:
    register(ReviewProgram(code="test.aid", label="测试补助"))
    register(ReviewProgram(code="test.short", label="直报市总", chain=(4, 1)))
    yield
    PROGRAMS.pop("test.aid")
    PROGRAMS.pop("test.short")


def _open(
    personas: dict[str, User],
    orgs: dict[str, Org],
    program: str = "test.aid",
    beneficiary: User | None = None,
) -> ReviewCase:
    union = orgs["HH-DH-JD1-001"]
    case = services.case_open(
        actor=personas["factory_chair"],
        program=program,
        subject=union,
        org=union,
        title="金秋助学 张*",
        beneficiary=beneficiary,
    )
    return services.case_submit(actor=personas["factory_chair"], case=case)


def test_r05_case_climbs_grassroots_district_city(personas, orgs) -> None:  # type: ignore[no-untyped-def]
    case = _open(personas, orgs)
    assert (case.state, case.reviewing_org) == (CaseState.UNDER_REVIEW, orgs["HH-DH"])
    with pytest.raises(PermissionDenied):  # the city cannot approve for the district
        services.case_approve(actor=personas["city_admin"], case=case)
    case = services.case_approve(actor=personas["donghu_staff"], case=case)
    assert case.reviewing_org == orgs["HH"]
    case = services.case_approve(actor=personas["city_admin"], case=case)
    assert (case.state, case.reviewing_org) == (CaseState.APPROVED, None)
    trail = [(s.decision, s.level) for s in selectors.case_trail(case=case)]
    assert trail == [("open", 4), ("submit", 4), ("approve", 2), ("approve", 1)]


def test_r05_a_declared_shorter_chain_goes_straight_to_the_city(personas, orgs) -> None:  # type: ignore[no-untyped-def]
    case = _open(personas, orgs, program="test.short")
    assert case.reviewing_org == orgs["HH"]
    assert services.case_approve(actor=personas["city_admin"], case=case).state == "approved"


def test_r05_other_district_cannot_decide(personas, orgs) -> None:  # type: ignore[no-untyped-def]
    case = _open(personas, orgs)
    with pytest.raises(PermissionDenied):
        services.case_approve(actor=personas["xishan_staff"], case=case)
    with pytest.raises(PermissionDenied):
        services.case_reject(actor=personas["xishan_staff"], case=case, reason="不符合")


def test_r05_nobody_decides_their_own_case(personas, orgs) -> None:  # type: ignore[no-untyped-def]
    case = _open(personas, orgs, beneficiary=personas["donghu_staff"])
    with pytest.raises(ValidationError, match="自己"):
        services.case_approve(actor=personas["donghu_staff"], case=case)
    role_grant(
        actor=None, user=personas["factory_chair"], role="federation_staff", org=orgs["HH-DH"]
    )
    chair = User.objects.get(pk=personas["factory_chair"].pk)  # a fresh request's user
    with pytest.raises(ValidationError):  # one case per subject and program
        services.case_open(
            actor=chair,
            program="test.aid",
            subject=orgs["HH-DH-JD1-001"],
            org=orgs["HH-DH-JD1-001"],
            title="重复",
        )
    second = services.case_open(
        actor=chair,
        program="test.aid",
        subject=orgs["HH-DH"],
        org=orgs["HH-DH-JD1-001"],
        title="本人经办",
    )
    second = services.case_submit(actor=chair, case=second)
    with pytest.raises(ValidationError, match="自己"):  # opened it, now sits at 东湖区
        services.case_approve(actor=chair, case=second)


def test_r05_reject_and_send_back_need_a_reason_the_applicant_sees(personas, orgs) -> None:  # type: ignore[no-untyped-def]
    case = _open(personas, orgs)
    with pytest.raises(ValidationError):
        services.case_reject(actor=personas["donghu_staff"], case=case, reason="  ")
    with pytest.raises(PermissionDenied):  # the case has not reached the city yet
        services.case_send_back(actor=personas["city_admin"], case=case, reason="补材料")
    case = services.case_approve(actor=personas["donghu_staff"], case=case)
    case = services.case_send_back(
        actor=personas["donghu_staff"], case=case, reason="请补充录取通知书"
    )
    assert (case.state, case.reason, case.reviewing_org) == ("sent_back", "请补充录取通知书", None)
    case = services.case_submit(actor=personas["factory_chair"], case=case)
    assert (case.state, case.reviewing_org, case.reason) == ("under_review", orgs["HH-DH"], "")
    case = services.case_reject(actor=personas["donghu_staff"], case=case, reason="不符合条件")
    assert case.state == CaseState.REJECTED
    with pytest.raises(ValidationError):
        services.case_submit(actor=personas["factory_chair"], case=case)


def test_r07_trail_is_append_only_and_audited(personas, orgs) -> None:  # type: ignore[no-untyped-def]
    case = _open(personas, orgs)
    step = case.steps.first()
    assert step is not None
    step.reason = "tampered"
    with pytest.raises(AppendOnlyError):
        step.save()
    with pytest.raises(AppendOnlyError):
        step.delete()
    assert AuditEntry.objects.filter(action="review.submit", object_id=str(case.pk)).exists()


def test_overdue_cases_are_shown_to_the_level_above(personas, orgs) -> None:  # type: ignore[no-untyped-def]
    case = _open(personas, orgs)
    assert list(selectors.cases_waiting_for(actor=personas["donghu_staff"])) == [case]
    ReviewCase.objects.filter(pk=case.pk).update(due=dt.date(2020, 1, 1))
    assert list(selectors.cases_overdue_below(actor=personas["city_admin"])) == [case]
    assert list(selectors.cases_overdue_below(actor=personas["donghu_staff"])) == []


def test_a_chain_must_climb() -> None:
    with pytest.raises(ValueError, match="climbs"):
        ReviewProgram(code="bad", label="bad", chain=(1, 4))


def test_cases_start_at_the_programs_first_level(personas, orgs) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError):
        services.case_open(
            actor=personas["city_admin"],
            program="test.aid",
            subject=orgs["HH-DH"],
            org=orgs["HH-DH"],
            title="区级",
        )


def test_the_opener_is_told_of_a_send_back_with_its_reason(personas, orgs) -> None:  # type: ignore[no-untyped-def]
    from gonghui.core.models import Notification

    case = _open(personas, orgs)
    services.case_send_back(actor=personas["donghu_staff"], case=case, reason="请补充材料")
    note = Notification.objects.get(recipient=personas["factory_chair"])
    assert "退回" in note.subject or "Sent back" in note.subject
    assert note.body == "请补充材料"


def test_r07_database_itself_refuses_to_change_a_step(personas, orgs) -> None:  # type: ignore[no-untyped-def]
    from django.db import DatabaseError, connection, transaction

    case = _open(personas, orgs)
    step = case.steps.first()
    assert step is not None
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE review_reviewstep SET reason = 'x' WHERE id = %s", [step.pk])
