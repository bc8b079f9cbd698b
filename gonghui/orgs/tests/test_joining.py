"""R3 joining online: a worker applies on the public page, the union decides, the level above
sees overdue applications; applying twice says where the first stands."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from gonghui.core.models import Org
from gonghui.orgs.models import Membership, MembershipState
from gonghui.orgs.tests.factories import resident_id

pytestmark = pytest.mark.django_db


def _apply(client: Client, union: Org, number: str, name: str = "钱骑手") -> str:
    return client.post(
        "/join/",
        {
            "name": name,
            "id_number": number,
            "phone": "13900001111",
            "employer_name": "",
            "new_employment_form": "rider",
            "platform": "美团",
            "union": union.pk,
        },
    ).content.decode()


def test_r03_worker_applies_on_the_public_page(orgs) -> None:  # type: ignore[no-untyped-def]
    body = _apply(Client(), orgs["HH-DH-KD-001"], resident_id())
    assert 'data-testid="join-done"' in body
    application = Membership.objects.get(state=MembershipState.APPLIED)
    assert application.person.new_employment_form == "rider"
    assert application.person.platform == "美团"


def test_r03_applying_twice_says_where_the_first_stands(orgs) -> None:  # type: ignore[no-untyped-def]
    number = resident_id()
    _apply(Client(), orgs["HH-DH-KD-001"], number)
    body = _apply(Client(), orgs["HH-XS-JD1-001"], number)
    standing = body.split('data-testid="standing"')[1].split("</div>")[0]
    assert "东湖快递站点联合工会" in standing
    assert Membership.objects.filter(state=MembershipState.APPLIED).count() == 1


def test_r04_bad_id_number_is_refused_with_a_message(orgs) -> None:  # type: ignore[no-untyped-def]
    body = _apply(Client(), orgs["HH-DH-KD-001"], "110105194912310021")
    assert "校验位不正确" in body
    assert not Membership.objects.exists()


def test_hidden_field_stops_bots(orgs) -> None:  # type: ignore[no-untyped-def]
    response = Client().post(
        "/join/",
        {
            "name": "机器人",
            "id_number": resident_id(),
            "phone": "13900001111",
            "union": orgs["HH-DH-KD-001"].pk,
            "website": "http://spam",
        },
    )
    assert response.status_code == 200 and not Membership.objects.exists()


def test_join_is_rate_limited_per_address(orgs, settings) -> None:  # type: ignore[no-untyped-def]
    client = Client()
    for _ in range(10):
        _apply(client, orgs["HH-DH-KD-001"], resident_id())
    body = _apply(client, orgs["HH-DH-KD-001"], resident_id())
    assert Membership.objects.count() == 10
    assert "try again in an hour" in body or "一小时" in body


def test_r03_chair_approves_from_the_applications_page(client_for, orgs) -> None:  # type: ignore[no-untyped-def]
    _apply(Client(), orgs["HH-DH-JD1-001"], resident_id(), name="孙申请")
    chair = client_for("factory_chair")
    page = chair.get("/applications/").content.decode()
    assert "孙申请" in page
    application = Membership.objects.get(state=MembershipState.APPLIED)
    chair.post(f"/applications/{application.pk}/decide/", {"decision": "approve"})
    application.refresh_from_db()
    assert application.state == MembershipState.ACTIVE


def test_r03_refusal_needs_a_reason(client_for, orgs) -> None:  # type: ignore[no-untyped-def]
    _apply(Client(), orgs["HH-DH-JD1-001"], resident_id())
    application = Membership.objects.get()
    chair = client_for("factory_chair")
    chair.post(f"/applications/{application.pk}/decide/", {"decision": "refuse", "reason": ""})
    application.refresh_from_db()
    assert application.state == MembershipState.APPLIED
    chair.post(
        f"/applications/{application.pk}/decide/", {"decision": "refuse", "reason": "不属于本单位"}
    )
    application.refresh_from_db()
    assert (application.state, application.reason) == ("refused", "不属于本单位")


def test_r03_overdue_applications_are_highlighted_for_the_level_above(client_for, orgs) -> None:  # type: ignore[no-untyped-def]
    _apply(Client(), orgs["HH-DH-JD1-001"], resident_id(), name="逾期甲")
    Membership.objects.update(decide_by=dt.date(2020, 1, 1))
    body = client_for("donghu_staff").get("/applications/", {"overdue": "1"}).content.decode()
    assert "逾期甲" in body and "border-danger" in body
    assert "逾期甲" not in client_for("xishan_staff").get("/applications/").content.decode()


def test_r01_other_district_cannot_decide_by_url(client_for, orgs) -> None:  # type: ignore[no-untyped-def]
    _apply(Client(), orgs["HH-DH-JD1-001"], resident_id())
    application = Membership.objects.get()
    response = client_for("xishan_staff").post(
        f"/applications/{application.pk}/decide/", {"decision": "approve"}
    )
    assert response.status_code == 404
    application.refresh_from_db()
    assert application.state == MembershipState.APPLIED


def test_r03_applicant_looks_up_a_refusal_and_its_reason(client_for, orgs) -> None:  # type: ignore[no-untyped-def]
    number = resident_id()
    _apply(Client(), orgs["HH-DH-JD1-001"], number, name="查进度")
    application = Membership.objects.get()
    client_for("factory_chair").post(
        f"/applications/{application.pk}/decide/", {"decision": "refuse", "reason": "非本单位职工"}
    )
    body = Client().post("/join/status/", {"name": "查进度", "id_number": number}).content.decode()
    assert "非本单位职工" in body
    wrong = Client().post("/join/status/", {"name": "别人", "id_number": number}).content.decode()
    assert "非本单位职工" not in wrong and "淮河东湖" not in wrong


def test_join_page_tells_where_one_stands_only_under_the_right_name(orgs) -> None:  # type: ignore[no-untyped-def]
    number = resident_id()
    _apply(Client(), orgs["HH-DH-KD-001"], number, name="本人")
    other_name = _apply(Client(), orgs["HH-XS-JD1-001"], number, name="冒充者")
    assert 'data-testid="standing"' not in other_name


def test_under_sixteen_cannot_apply(orgs) -> None:  # type: ignore[no-untyped-def]
    today = dt.date.today()
    body = _apply(
        Client(), orgs["HH-DH-KD-001"], resident_id(today.replace(year=today.year - 12, day=1))
    )
    assert "16" in body and not Membership.objects.exists()


def test_worker_sees_own_membership(client_for, personas, orgs) -> None:  # type: ignore[no-untyped-def]
    from gonghui.orgs.services import membership_admit, person_create

    person = person_create(
        actor=None,
        org=None,
        id_number=resident_id(),
        name="周骑手",
        user=personas["courier_worker"],
    )
    membership_admit(actor=None, person=person, org=orgs["HH-DH-KD-001"])
    body = client_for("courier_worker").get("/me/membership/").content.decode()
    assert "东湖快递站点联合工会" in body and 'data-testid="my-standing"' in body


def test_a_linked_worker_is_told_the_decision(client_for, personas, orgs) -> None:  # type: ignore[no-untyped-def]
    from gonghui.core.models import Notification
    from gonghui.orgs.services import membership_apply, membership_refuse, person_create

    person = person_create(
        actor=None,
        org=None,
        id_number=resident_id(),
        name="周骑手",
        user=personas["courier_worker"],
    )
    application = membership_apply(person=person, org=orgs["HH-DH-JD1-001"])
    membership_refuse(actor=personas["factory_chair"], membership=application, reason="非本单位")
    note = Notification.objects.get(recipient=personas["courier_worker"])
    assert note.body == "非本单位"


def test_a_wrong_name_refused_does_not_lock_the_real_worker_out(client_for, orgs) -> None:  # type: ignore[no-untyped-def]
    from gonghui.orgs.models import Person

    number = resident_id()
    _apply(Client(), orgs["HH-DH-JD1-001"], number, name="冒名者")
    application = Membership.objects.get()
    client_for("factory_chair").post(
        f"/applications/{application.pk}/decide/",
        {"decision": "refuse", "reason": "姓名与身份证不符"},
    )
    body = _apply(Client(), orgs["HH-DH-JD1-001"], number, name="真本人")
    assert 'data-testid="join-done"' in body
    assert Person.objects.get().name == "真本人"


def test_a_members_name_is_not_changed_from_the_public_page(orgs) -> None:  # type: ignore[no-untyped-def]
    from gonghui.orgs.models import Person
    from gonghui.orgs.tests.factories import member

    m = member(orgs["HH-DH-JD1-001"], "原会员")
    body = _apply(Client(), orgs["HH-XS-JD1-001"], m.person.id_number, name="改名者")
    assert 'data-testid="join-done"' not in body
    assert Person.objects.get(pk=m.person_id).name == "原会员"
