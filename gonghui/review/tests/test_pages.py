"""The reviewer's pages: cases waiting at one's level, a case with its trail and the decision,
and decisions in bulk as a task with a progress bar (R5, R7)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from gonghui.core.models import AuditEntry, Org, TaskProgress, User
from gonghui.review import services
from gonghui.review.models import CaseState, ReviewCase
from gonghui.review.programs import PROGRAMS, ReviewProgram, register


@pytest.fixture(autouse=True)
def program() -> Iterator[None]:
    register(ReviewProgram(code="test.pages", label="测试"))
    yield
    PROGRAMS.pop("test.pages")


def _submitted(personas: dict[str, User], orgs: dict[str, Org], n: int) -> list[ReviewCase]:
    union = orgs["HH-DH-JD1-001"]
    cases = []
    for i in range(n):
        subject = User.objects.create(username=f"s-{i}")
        case = services.case_open(
            actor=personas["factory_chair"],
            program="test.pages",
            subject=subject,
            org=union,
            title=f"申请{i}",
        )
        cases.append(services.case_submit(actor=personas["factory_chair"], case=case))
    return cases


@pytest.mark.django_db
def test_district_sees_its_waiting_cases_and_decides_one(client_for, personas, orgs) -> None:  # type: ignore[no-untyped-def]
    case = _submitted(personas, orgs, 1)[0]
    district = client_for("donghu_staff")
    assert "申请0" in district.get("/review/").content.decode()
    assert "申请0" not in client_for("xishan_staff").get("/review/").content.decode()
    page = district.get(f"/review/cases/{case.pk}/").content.decode()
    assert 'data-testid="trail"' in page
    district.post(f"/review/cases/{case.pk}/", {"decision": "send_back", "reason": ""})
    case.refresh_from_db()
    assert case.state == CaseState.UNDER_REVIEW  # no reason, no send-back
    district.post(f"/review/cases/{case.pk}/", {"decision": "approve"})
    case.refresh_from_db()
    assert case.reviewing_org == orgs["HH"]


@pytest.mark.django_db
def test_the_city_cannot_decide_for_the_district_through_the_page(  # type: ignore[no-untyped-def]
    client_for, personas, orgs
) -> None:
    case = _submitted(personas, orgs, 1)[0]
    client_for("city_admin").post(f"/review/cases/{case.pk}/", {"decision": "approve"})
    case.refresh_from_db()
    assert case.reviewing_org == orgs["HH-DH"]


@pytest.mark.django_db
def test_other_district_cannot_open_the_case(client_for, personas, orgs) -> None:  # type: ignore[no-untyped-def]
    case = _submitted(personas, orgs, 1)[0]
    assert client_for("xishan_staff").get(f"/review/cases/{case.pk}/").status_code == 404


@pytest.mark.django_db(transaction=True)
def test_bulk_approval_runs_as_a_task_and_audits_each_case(client_for, personas, orgs) -> None:  # type: ignore[no-untyped-def]
    cases = _submitted(personas, orgs, 25)
    district = client_for("donghu_staff")
    response = district.post(
        "/review/bulk/",
        {"decision": "approve", "reason": "", "cases": ",".join(str(c.pk) for c in cases)},
    )
    progress = TaskProgress.objects.get()
    # The bar lives on a GET page, so the reload at the end never sends the decisions again.
    assert response.status_code == 302 and str(progress.pk) in response["Location"]
    page = district.get(response["Location"]).content.decode()
    assert 'data-testid="progress"' in page and "25" in page
    assert progress.state == "succeeded" and "25" in progress.message
    assert ReviewCase.objects.filter(reviewing_org=orgs["HH"]).count() == 25
    assert AuditEntry.objects.filter(action="review.approve").count() == 25


@pytest.mark.django_db
def test_bulk_rejection_needs_a_reason(client_for, personas, orgs) -> None:  # type: ignore[no-untyped-def]
    cases = _submitted(personas, orgs, 2)
    client_for("donghu_staff").post(
        "/review/bulk/",
        {"decision": "reject", "reason": "", "cases": ",".join(str(c.pk) for c in cases)},
    )
    assert not TaskProgress.objects.exists()


@pytest.mark.django_db
def test_city_publishes_its_approved_cases(client_for, personas, orgs) -> None:  # type: ignore[no-untyped-def]
    from gonghui.review.models import Notice

    cases = _submitted(personas, orgs, 2)
    for case in cases:
        services.case_approve(actor=personas["donghu_staff"], case=case)
        services.case_approve(actor=personas["city_admin"], case=case)
    admin = client_for("city_admin")
    assert "申请1" in admin.get("/review/publish/").content.decode()
    response = admin.post(
        "/review/publish/",
        {"title": "2026年金秋助学公示", "cases": ",".join(str(c.pk) for c in cases)},
    )
    notice = Notice.objects.get()
    assert response["Location"] == f"/notices/{notice.pk}/"
    assert notice.org == orgs["HH"] and notice.entries.count() == 2
    assert set(ReviewCase.objects.values_list("state", flat=True)) == {CaseState.UNDER_NOTICE}


@pytest.mark.django_db
def test_publishing_needs_cases(client_for, personas, orgs) -> None:  # type: ignore[no-untyped-def]
    response = client_for("city_admin").post("/review/publish/", {"title": "空", "cases": ""})
    assert response.status_code == 200
