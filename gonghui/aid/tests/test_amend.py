"""R5: an application sent back carries its reason to the applicant, who corrects it (or the
union does) and it climbs again; a correction is not a second application (R11)."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from gonghui.aid.services import autumn
from gonghui.aid.tests.factories import PNG, application, student_data
from gonghui.core.models import AuditEntry
from gonghui.review import services as review
from gonghui.review.models import CaseState

pytestmark = pytest.mark.django_db


def test_r05_worker_corrects_what_was_sent_back_and_it_climbs_again(personas, world) -> None:  # type: ignore[no-untyped-def]
    app = application(personas["courier_worker"], world, school="淮河大学")
    autumn.application_forward(actor=personas["courier_chair"], application=app)
    review.case_send_back(actor=personas["donghu_staff"], case=app.case, reason="缴费证明不清晰")  # type: ignore[arg-type]
    new_fees = SimpleUploadedFile("新缴费单.png", PNG, "image/png")
    data = student_data(
        student_name=app.student_name,
        student_id_number=app.student_id_number,  # the same student: not a second application
        school="淮河大学（东校区）",
    )
    autumn.application_amend(
        actor=personas["courier_worker"], application=app, data=data, documents={"fees": new_fees}
    )
    app.refresh_from_db()
    assert app.school == "淮河大学（东校区）"
    assert "新缴费单" in app.documents.get(kind="fees").file.name
    assert AuditEntry.objects.filter(action="aid.application_amend").count() == 1
    case = autumn.application_forward(actor=personas["courier_chair"], application=app)
    assert (case.state, case.reviewing_org.code) == (CaseState.UNDER_REVIEW, "HH-DH")  # type: ignore[union-attr]
    # Under review it can no longer be changed, by anyone.
    with pytest.raises(ValidationError, match="只有草稿或被退回的申请可以修改"):
        autumn.application_amend(
            actor=personas["courier_worker"], application=app, data=data, documents={}
        )


def test_r11_a_correction_still_meets_the_exclusions(personas, world) -> None:  # type: ignore[no-untyped-def]
    app = application(personas["courier_worker"], world)
    with pytest.raises(ValidationError, match="军事院校"):
        autumn.application_amend(
            actor=personas["courier_worker"],
            application=app,
            data=student_data(student_id_number=app.student_id_number, school_type="military"),
            documents={},
        )
    with pytest.raises(PermissionDenied):
        autumn.application_amend(
            actor=personas["xishan_staff"],
            application=app,
            data=student_data(student_id_number=app.student_id_number),
            documents={},
        )


def test_r05_correction_page_keeps_the_reason_in_view(personas, world, client_for) -> None:  # type: ignore[no-untyped-def]
    app = application(personas["courier_worker"], world)
    review.case_send_back(actor=personas["courier_chair"], case=app.case, reason="请补充学校全称")  # type: ignore[arg-type]
    worker = client_for("courier_worker")
    page = worker.get(f"/aid/applications/{app.pk}/").content.decode()
    assert f"/aid/applications/{app.pk}/amend/" in page
    form = worker.get(f"/aid/applications/{app.pk}/amend/").content.decode()
    assert "请补充学校全称" in form and app.student_id_number in form
    posted = {
        "campaign": world.pk,
        "student_name": app.student_name,
        "student_id_number": app.student_id_number,
        "stage": app.stage,
        "school": "淮河大学本部",
        "school_type": "ordinary",
        "other_scheme": "",
        "phone": "13900001111",
        "account_holder": "周骑手",
        "bank": "淮河农商行",
        "account_number": "6230580123456789012",
    }
    response = worker.post(f"/aid/applications/{app.pk}/amend/", posted)
    assert response.status_code == 302
    app.refresh_from_db()
    assert app.school == "淮河大学本部"
    check = worker.post(
        "/aid/apply/check/",
        {**posted, "application": app.pk},
    ).content.decode()
    assert "R11" not in check  # the application itself is not a second one


def test_r05_the_union_finds_what_waits_for_its_check(personas, world, client_for) -> None:  # type: ignore[no-untyped-def]
    app = application(personas["courier_worker"], world)
    link = f"/aid/applications/{app.pk}/"
    assert link in client_for("courier_chair").get("/review/").content.decode()
    assert link not in client_for("city_admin").get("/review/").content.decode()
