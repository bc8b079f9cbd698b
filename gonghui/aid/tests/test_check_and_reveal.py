"""What the union sees while it works: the live check names a wrong student ID and the member
an application is entered for (R4, R11); full numbers are shown on request, and recorded;
a reversed award says so on its application (R12)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from gonghui.aid.models import Award
from gonghui.aid.services import autumn, payments
from gonghui.aid.tests.factories import application
from gonghui.core.models import AuditEntry
from gonghui.orgs.tests.factories import member, resident_id
from gonghui.review import notices
from gonghui.review import services as review

pytestmark = pytest.mark.django_db


def test_r04_live_check_names_a_wrong_student_id_and_the_member(world, orgs, client_for) -> None:  # type: ignore[no-untyped-def]
    good = resident_id(dt.date(2007, 9, 1))
    wrong = good[:-1] + ("0" if good[-1] != "0" else "1")
    chair = client_for("factory_chair")
    body = chair.post(
        "/aid/apply/check/",
        {"campaign": world.pk, "student_id_number": wrong, "stage": "undergrad"},
    ).content.decode()
    assert "学生身份证号：" in body and "校验位" in body
    staff_member = member(orgs["HH-DH-JD1-001"], "吴会员")
    body = chair.post(
        "/aid/apply/check/",
        {"worker_id_number": staff_member.person.id_number, "campaign": world.pk},
    ).content.decode()
    assert "吴会员 · 淮河东湖精密机械有限公司工会" in body
    body = chair.post(
        "/aid/apply/check/", {"worker_id_number": resident_id(), "campaign": world.pk}
    ).content.decode()
    assert "没有这个身份证号的会员" in body


def test_full_numbers_are_shown_on_request_and_recorded(personas, world, client_for) -> None:  # type: ignore[no-untyped-def]
    app = application(personas["courier_worker"], world)
    chair = client_for("courier_chair")
    masked = chair.get(f"/aid/applications/{app.pk}/").content.decode()
    assert app.student_id_number not in masked and "查看完整身份证号和卡号" in masked
    full = chair.post(f"/aid/applications/{app.pk}/", {"reveal": "1"}).content.decode()
    assert app.student_id_number in full and app.account_number in full
    assert AuditEntry.objects.filter(action="aid.application_reveal").count() == 1
    # 东湖's staff (no personal-data permission) cannot.
    assert (
        client_for("donghu_staff").post(f"/aid/applications/{app.pk}/", {"reveal": "1"}).status_code
        == 404
    )


def test_r12_a_reversed_award_says_so_on_its_application(personas, orgs, world, client_for) -> None:  # type: ignore[no-untyped-def]
    app = application(personas["courier_worker"], world)
    autumn.application_forward(actor=personas["courier_chair"], application=app)
    review.case_approve(actor=personas["donghu_staff"], case=app.case)  # type: ignore[arg-type]
    review.case_approve(actor=personas["city_admin"], case=app.case)  # type: ignore[arg-type]
    notice = notices.notice_publish(
        actor=personas["city_admin"],
        program=autumn.PROGRAM,
        org=orgs["HH"],
        title="公示",
        cases=[(app.case, "x")],  # type: ignore[list-item]
        starts_on=dt.date(2026, 1, 5),
    )
    notices.notice_close(notice_id=notice.pk)
    batch = payments.batch_create(actor=personas["city_admin"], campaign=world)
    payments.batch_mark_paid(actor=personas["city_admin"], batch=batch, bank_reference="R1")
    payments.award_reverse(
        actor=personas["city_admin"], award=Award.objects.get(), reason="重复领取"
    )
    page = client_for("courier_worker").get(f"/aid/applications/{app.pk}/").content.decode()
    assert "已发放，后已冲正" in page and "重复领取" in page and "¥5,000.00" in page
    assert Award.objects.get().amount == Decimal(5000)  # the award itself is unchanged
