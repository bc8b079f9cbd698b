"""The org tree, member list and member page, scoped to the viewer (R1), masked unless the
role may see more (R4), with a constant number of queries whatever the page size."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from gonghui.core.models import AuditEntry, Org
from gonghui.orgs.tests.factories import member

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_districts(orgs: dict[str, Org]) -> dict[str, object]:
    return {
        "donghu": member(orgs["HH-DH-JD1-001"], "东湖甲"),
        "xishan": member(orgs["HH-XS-JD1-001"], "西山乙"),
    }


def test_r01_district_staff_see_only_their_districts_members(client_for, two_districts) -> None:  # type: ignore[no-untyped-def]
    body = client_for("donghu_staff").get("/members/").content.decode()
    assert "东湖甲" in body and "西山乙" not in body
    body = client_for("city_admin").get("/members/").content.decode()
    assert "东湖甲" in body and "西山乙" in body


def test_r01_other_districts_member_page_is_404(client_for, two_districts) -> None:  # type: ignore[no-untyped-def]
    xishan = two_districts["xishan"]
    assert client_for("donghu_staff").get(f"/members/{xishan.person_id}/").status_code == 404
    assert client_for("xishan_staff").get(f"/members/{xishan.person_id}/").status_code == 200


def test_r01_other_districts_org_page_is_404(client_for, orgs) -> None:  # type: ignore[no-untyped-def]
    assert client_for("donghu_staff").get(f"/orgs/{orgs['HH-XS'].pk}/").status_code == 404
    assert client_for("donghu_staff").get(f"/orgs/{orgs['HH-DH'].pk}/").status_code == 200


def test_r04_member_page_masks_the_id_number(client_for, two_districts) -> None:  # type: ignore[no-untyped-def]
    m = two_districts["donghu"]
    body = client_for("donghu_staff").get(f"/members/{m.person_id}/").content.decode()
    assert m.person.id_number not in body
    assert m.person.id_number[:4] + "**********" + m.person.id_number[-4:] in body


def test_r04_full_view_is_for_allowed_roles_and_audited(client_for, two_districts) -> None:  # type: ignore[no-untyped-def]
    m = two_districts["donghu"]
    assert client_for("donghu_staff").post(f"/members/{m.person_id}/reveal/").status_code == 404
    response = client_for("factory_chair").post(f"/members/{m.person_id}/reveal/")
    assert m.person.id_number in response.content.decode()
    entry = AuditEntry.objects.get(action="person.reveal")
    assert entry.actor is not None
    assert entry.actor.username == "factory_chair" and entry.object_id == str(m.person_id)


def test_member_list_search_by_name_and_by_full_id(client_for, two_districts) -> None:  # type: ignore[no-untyped-def]
    client = client_for("city_admin")
    m = two_districts["xishan"]
    assert "西山乙" in client.get("/members/", {"q": "西山"}).content.decode()
    by_id = client.get("/members/", {"q": m.person.id_number}).content.decode()
    assert "西山乙" in by_id and "东湖甲" not in by_id


def test_member_list_query_count_does_not_grow_with_the_page(client_for, orgs) -> None:  # type: ignore[no-untyped-def]
    client = client_for("city_admin")
    for i in range(5):
        member(orgs["HH-DH-JD1-001"], f"员工{i}")
    client.get("/members/")  # warm up session and caches
    with CaptureQueriesContext(connection) as few:
        client.get("/members/")
    for i in range(60):
        member(orgs["HH-XS-JD1-001"], f"职工{i}")
    with CaptureQueriesContext(connection) as many:
        page = client.get("/members/")
    assert "1 / 2" in page.content.decode()  # a full page of 50 rows
    assert len(many) == len(few)


def test_org_tree_expands_with_htmx(client_for, orgs) -> None:  # type: ignore[no-untyped-def]
    client = client_for("city_admin")
    tree = client.get("/orgs/").content.decode()
    assert "淮河市总工会" in tree
    children = client.get(f"/orgs/{orgs['HH'].pk}/children/").content.decode()
    assert "东湖区总工会" in children and "<html" not in children


def test_org_search_stays_in_scope(client_for) -> None:  # type: ignore[no-untyped-def]
    body = client_for("donghu_staff").get("/orgs/", {"q": "工会"}).content.decode()
    results = body.split('data-testid="org-results"')[1].split("</ul>")[0]
    assert "东湖" in results and "西山" not in results


def test_org_page_shows_key_figures(client_for, orgs, two_districts) -> None:  # type: ignore[no-untyped-def]
    body = client_for("city_admin").get(f"/orgs/{orgs['HH-DH'].pk}/").content.decode()
    figures = body.split('data-testid="org-figures"')[1]
    assert '<div class="fs-4 fw-semibold">1</div>' in figures


def test_a_huge_filtered_list_says_more_than_ten_thousand(client_for, orgs, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from gonghui.core import pagination

    monkeypatch.setattr(pagination, "CAP", 2)
    for i in range(4):
        member(orgs["HH-DH-JD1-001"], f"张{i}")
    body = client_for("city_admin").get("/members/", {"q": "张"}).content.decode()
    assert "超过 1,000" in body or "More than 1,000" in body


def test_admin_edits_an_orgs_details_and_the_join_deadline(client_for, orgs) -> None:  # type: ignore[no-untyped-def]
    from gonghui.core.models import AuditEntry

    union = orgs["HH-DH-JD1-001"]
    response = client_for("city_admin").post(
        f"/orgs/{union.pk}/edit/",
        {
            "save": "1",
            "name": union.name,
            "chair_name": "赵主席",
            "contact_name": "钱干事",
            "contact_phone": "0551-1234567",
            "address": "东湖路 1 号",
            "join_decision_days": 5,
        },
    )
    assert response.status_code == 302
    union.refresh_from_db()
    assert (union.chair_name, union.join_decision_days) == ("赵主席", 5)
    before = AuditEntry.objects.get(action="org.update").before
    assert before is not None
    assert before["join_decision_days"] == 3


def test_bad_deadline_is_refused_with_a_message(client_for, orgs) -> None:  # type: ignore[no-untyped-def]
    union = orgs["HH-DH-JD1-001"]
    response = client_for("city_admin").post(
        f"/orgs/{union.pk}/edit/",
        {
            "save": "1",
            "name": union.name,
            "join_decision_days": 99,
        },
    )
    assert response.status_code == 200
    union.refresh_from_db()
    assert union.join_decision_days == 3


def test_admin_adds_a_union_below_a_street_federation(client_for, orgs) -> None:  # type: ignore[no-untyped-def]
    street = orgs["HH-DH-JD1"]
    response = client_for("city_admin").post(
        f"/orgs/{street.pk}/edit/",
        {
            "add": "1",
            "name": "新建公司工会",
            "code": "HH-NEW-1",
            "kind": "grassroots",
        },
    )
    assert response.status_code == 302
    child = Org.objects.get(code="HH-NEW-1")
    assert child.parent == street and child.path.startswith(street.path) and child.level == 4
    taken = client_for("city_admin").post(
        f"/orgs/{street.pk}/edit/",
        {
            "add": "1",
            "name": "重复",
            "code": "HH-NEW-1",
            "kind": "grassroots",
        },
    )
    assert taken.status_code == 200


def test_r01_staff_without_org_manage_cannot_edit(client_for, orgs) -> None:  # type: ignore[no-untyped-def]
    assert client_for("donghu_staff").get(f"/orgs/{orgs['HH-DH'].pk}/edit/").status_code == 404


def test_r01_a_union_the_member_left_no_longer_sees_their_details(  # type: ignore[no-untyped-def]
    client_for, personas, orgs
) -> None:
    from gonghui.orgs import services

    m = member(orgs["HH-DH-JD1-001"], "转走的人")
    services.membership_transfer(
        actor=personas["city_admin"], membership=m, to_org=orgs["HH-XS-JD1-001"]
    )
    chair = client_for("factory_chair")
    assert chair.get(f"/members/{m.person_id}/").status_code == 404
    assert chair.post(f"/members/{m.person_id}/reveal/").status_code == 404
    assert client_for("xishan_staff").get(f"/members/{m.person_id}/").status_code == 200


def test_transfer_cannot_be_dated_in_the_future(client_for, orgs) -> None:  # type: ignore[no-untyped-def]
    m = member(orgs["HH-DH-JD1-001"], "未来")
    client_for("city_admin").post(
        f"/memberships/{m.pk}/transfer/",
        {"to_org": orgs["HH-XS-JD1-001"].pk, "on": "9999-12-31", "reason": ""},
    )
    m.refresh_from_db()
    assert m.state == "active"


@pytest.mark.parametrize(
    "path",
    [
        "/orgs/99999999999999999999/",
        "/members/99999999999999999999/",
        "/orgs/?q=a%00b",
        "/api/v1/members?q=a%00b",
        "/api/v1/members?offset=99999999999999999999",
    ],
)
def test_odd_urls_answer_without_a_server_error(client_for, path: str) -> None:  # type: ignore[no-untyped-def]
    assert client_for("city_admin").get(path).status_code in {200, 404, 422}


def test_export_with_a_bad_org_is_404(client_for) -> None:  # type: ignore[no-untyped-def]
    assert client_for("city_admin").post("/members/export/", {"org": "abc"}).status_code == 404


@pytest.mark.django_db(transaction=True)  # the export is a task enqueued on commit
def test_masked_export_shows_birth_year_and_month_only(client_for, orgs) -> None:  # type: ignore[no-untyped-def]
    import io

    import openpyxl

    from gonghui.core.models import TaskProgress

    member(orgs["HH-DH-JD1-001"], "生日")
    client = client_for("donghu_staff")
    client.post("/members/export/")
    progress = TaskProgress.objects.get()
    data = b"".join(client.get(f"/members/export/{progress.pk}/").streaming_content)
    rows = list(openpyxl.load_workbook(io.BytesIO(data)).active.iter_rows(values_only=True))  # type: ignore[union-attr]
    assert [r[3] for r in rows if r[0] == "生日"] == ["1990-01"]
