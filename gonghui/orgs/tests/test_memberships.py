"""R2 one current membership, transfer without gap or overlap, retained and final states;
R3 joining online within the deadline; R4 identity checks."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from gonghui.core.models import AuditEntry, Org, User
from gonghui.core.workdays import add_working_days
from gonghui.orgs import services
from gonghui.orgs.models import Membership, MembershipState
from gonghui.orgs.tests.factories import member, person, resident_id

pytestmark = pytest.mark.django_db


def test_r02_a_person_cannot_be_admitted_twice(orgs: dict[str, Org]) -> None:
    m = member(orgs["HH-DH-JD1-001"])
    with pytest.raises(ValidationError, match=r"已是.*会员"):
        services.membership_admit(actor=None, person=m.person, org=orgs["HH-XS-JD1-001"])


def test_r02_database_refuses_a_second_current_membership(orgs: dict[str, Org]) -> None:
    m = member(orgs["HH-DH-JD1-001"])
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(
            org=orgs["HH-XS-JD1-001"],
            person=m.person,
            state=MembershipState.ACTIVE,
            start_date=dt.date(2024, 1, 1),
        )


def test_r02_transfer_ends_old_and_starts_new_on_the_same_day(
    personas: dict[str, User], orgs: dict[str, Org]
) -> None:
    old = member(orgs["HH-DH-JD1-001"])
    day = dt.date(2025, 3, 3)
    new = services.membership_transfer(
        actor=personas["city_admin"],
        membership=old,
        to_org=orgs["HH-XS-JD1-001"],
        on=day,
        reason="调动",
    )
    old.refresh_from_db()
    assert (old.state, old.end_date) == (MembershipState.TRANSFERRED, day)
    assert (new.state, new.start_date, new.end_date) == (MembershipState.ACTIVE, day, None)
    assert Membership.objects.filter(person=old.person, state="active").count() == 1
    assert AuditEntry.objects.filter(action="membership.transfer").exists()


def test_r02_transfer_needs_manage_permission_at_the_source(
    personas: dict[str, User], orgs: dict[str, Org]
) -> None:
    old = member(orgs["HH-DH-JD1-001"])
    with pytest.raises(PermissionDenied):
        services.membership_transfer(
            actor=personas["xishan_staff"], membership=old, to_org=orgs["HH-XS-JD1-001"]
        )


def test_r02_retained_membership_then_withdrawal_is_final(
    personas: dict[str, User], orgs: dict[str, Org]
) -> None:
    chair = personas["factory_chair"]
    m = member(orgs["HH-DH-JD1-001"])
    retained = services.membership_retain(actor=chair, membership=m, reason="退休")
    assert retained.state == MembershipState.RETAINED
    with pytest.raises(ValidationError):
        services.membership_end(actor=chair, membership=m, state="withdrawn", reason=" ")
    ended = services.membership_end(actor=chair, membership=m, state="withdrawn", reason="本人申请")
    assert ended.state == MembershipState.WITHDRAWN and ended.end_date is not None
    with pytest.raises(ValidationError):
        services.membership_retain(actor=chair, membership=m, reason="x")
    again = services.membership_admit(actor=chair, person=m.person, org=orgs["HH-DH-JD1-001"])
    assert again.state == MembershipState.ACTIVE


def test_r03_application_deadline_is_three_working_days(orgs: dict[str, Org]) -> None:
    applicant = person(orgs["HH-DH-KD-001"], "王快递")
    application = services.membership_apply(person=applicant, org=orgs["HH-DH-KD-001"])
    assert application.state == MembershipState.APPLIED
    assert application.decide_by == add_working_days(timezone.localdate(), 3).date


def test_r03_deadline_is_the_unions_setting(orgs: dict[str, Org]) -> None:
    union = orgs["HH-DH-KD-001"]
    union.join_decision_days = 5
    union.save()
    application = services.membership_apply(person=person(union), org=union)
    assert application.decide_by == add_working_days(timezone.localdate(), 5).date


def test_r03_second_application_is_told_where_the_first_stands(orgs: dict[str, Org]) -> None:
    applicant = person(orgs["HH-DH-KD-001"])
    services.membership_apply(person=applicant, org=orgs["HH-DH-KD-001"])
    with pytest.raises(ValidationError, match="东湖快递站点联合工会"):
        services.membership_apply(person=applicant, org=orgs["HH-XS-JD1-001"])


def test_r03_union_approves_or_refuses_with_a_reason(
    personas: dict[str, User], orgs: dict[str, Org]
) -> None:
    union = orgs["HH-DH-JD1-001"]
    chair = personas["factory_chair"]
    first = services.membership_apply(person=person(union, "甲"), org=union)
    second = services.membership_apply(person=person(union, "乙"), org=union)
    assert services.membership_approve(actor=chair, membership=first).state == "active"
    with pytest.raises(ValidationError):
        services.membership_refuse(actor=chair, membership=second, reason="")
    refused = services.membership_refuse(actor=chair, membership=second, reason="非本单位职工")
    assert (refused.state, refused.reason) == ("refused", "非本单位职工")
    with pytest.raises(ValidationError, match="已经处理过"):
        services.membership_approve(actor=chair, membership=second)


def test_r01_other_districts_cannot_decide(personas: dict[str, User], orgs: dict[str, Org]) -> None:
    union = orgs["HH-DH-JD1-001"]
    application = services.membership_apply(person=person(union), org=union)
    with pytest.raises(PermissionDenied):
        services.membership_approve(actor=personas["xishan_staff"], membership=application)


def test_r04_person_id_must_agree_with_sex_and_birth_date(orgs: dict[str, Org]) -> None:
    number = resident_id(dt.date(1988, 8, 8), "F")
    with pytest.raises(ValidationError):
        services.person_create(actor=None, org=None, id_number=number, name="赵", sex="M")
    with pytest.raises(ValidationError):
        services.person_create(
            actor=None, org=None, id_number=number, name="赵", birth_date=dt.date(1988, 8, 9)
        )
    created = services.person_create(actor=None, org=None, id_number=number, name="赵")
    assert (created.sex, created.birth_date) == ("F", dt.date(1988, 8, 8))
    with pytest.raises(ValidationError):
        services.person_create(actor=None, org=None, id_number=number, name="赵")


def test_r04_id_number_is_encrypted_at_rest_and_found_by_hash(orgs: dict[str, Org]) -> None:
    from django.db import connection

    m = member(orgs["HH-DH-JD1-001"])
    with connection.cursor() as cursor:
        cursor.execute("SELECT id_number FROM orgs_person WHERE id = %s", [m.person_id])
        stored = cursor.fetchone()[0]
    assert m.person.id_number not in stored
    assert services.person_find(m.person.id_number) == m.person


def test_r04_enterprise_credit_code_is_checked(orgs: dict[str, Org]) -> None:
    with pytest.raises(ValidationError):
        services.enterprise_create(
            actor=None,
            name="坏",
            credit_code="91110000600037341M",
            ownership="private",
            union=orgs["HH-DH-JD1-001"],
        )
    good = services.enterprise_create(
        actor=None,
        name="好",
        credit_code="91110000600037341L",
        ownership="private",
        union=orgs["HH-DH-JD1-001"],
    )
    assert good.credit_code == "91110000600037341L"


def test_members_belong_to_unions_not_federations(orgs: dict[str, Org]) -> None:
    with pytest.raises(ValidationError):
        services.membership_admit(actor=None, person=person(orgs["HH-DH"]), org=orgs["HH-DH"])


def _counted() -> dict[tuple[int, str], int]:
    from gonghui.orgs.models import MembershipCount

    return {(c.org_id, c.state): c.n for c in MembershipCount.objects.all() if c.n}


def _actual() -> dict[tuple[int, str], int]:
    from django.db.models import Count

    return {
        (r["org_id"], r["state"]): r["n"]
        for r in Membership.objects.values("org_id", "state").annotate(n=Count("pk"))
    }


def test_kept_counts_follow_every_kind_of_write(
    personas: dict[str, User], orgs: dict[str, Org]
) -> None:
    admin = personas["city_admin"]
    a = member(orgs["HH-DH-JD1-001"], "计数甲")
    b = member(orgs["HH-DH-JD1-001"], "计数乙")
    services.membership_apply(person=person(orgs["HH-XS-JD1-001"]), org=orgs["HH-XS-JD1-001"])
    services.membership_transfer(actor=admin, membership=a, to_org=orgs["HH-XS-JD1-001"])
    services.membership_retain(actor=admin, membership=b, reason="退休")
    assert _counted() == _actual()
    Membership.objects.filter(person=b.person).delete()
    Membership.objects.filter(state=MembershipState.APPLIED).update(state="refused")
    assert _counted() == _actual()


def test_member_list_total_comes_from_the_kept_counts(client_for, orgs) -> None:  # type: ignore[no-untyped-def]
    for i in range(3):
        member(orgs["HH-DH-JD1-001"], f"总数{i}")
    body = client_for("donghu_staff").get("/members/").content.decode()
    assert "共 3 名会员" in body
