"""R7: the audit trail is append-only and readable by federation admins within their scope."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction
from django.test import Client

from gonghui.core.models import AppendOnlyError, AuditEntry, Org, User
from gonghui.core.services import audit_record, role_grant

pytestmark = pytest.mark.django_db


def test_r07_audit_record_keeps_who_when_where_what_and_why(
    personas: dict[str, User], orgs: dict[str, Org]
) -> None:
    actor = personas["city_admin"]
    org = orgs["HH-DH"]
    entry = audit_record(
        actor=actor,
        action="test.change",
        org=org,
        obj=org,
        before={"name": "旧"},
        after={"name": "新"},
        reason="更正",
    )
    entry.refresh_from_db()
    assert (entry.actor, entry.actor_label, entry.org) == (actor, "陈市总", org)
    assert (entry.object_id, entry.object_repr) == (str(org.pk), "东湖区总工会")
    assert (entry.before, entry.after, entry.reason) == ({"name": "旧"}, {"name": "新"}, "更正")
    assert entry.at is not None


def test_r07_audit_entry_cannot_be_changed_or_deleted_through_the_orm(
    personas: dict[str, User],
) -> None:
    entry = audit_record(actor=personas["city_admin"], action="test.change")
    entry.reason = "tampered"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.filter(pk=entry.pk).update(reason="tampered")
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.filter(pk=entry.pk).delete()
    entry.refresh_from_db()
    assert entry.reason == ""


GUARDED_BY_DATABASE = {
    # See gonghui.core.appendonly: SQLite's test flush is a DELETE, so there only UPDATE.
    "postgresql": {
        "UPDATE": "UPDATE core_auditentry SET reason = 'x' WHERE id = %s",
        "DELETE": "DELETE FROM core_auditentry WHERE id = %s",
    },
    "sqlite": {"UPDATE": "UPDATE core_auditentry SET reason = 'x' WHERE id = %s"},
}


def test_r07_database_itself_refuses_raw_tampering(personas: dict[str, User]) -> None:
    entry = audit_record(actor=personas["city_admin"], action="test.change")
    statements = GUARDED_BY_DATABASE[connection.vendor]
    for sql in statements.values():
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [entry.pk])
    assert AuditEntry.objects.get(pk=entry.pk).reason == ""


def test_r01_city_admin_reads_whole_city_audit(client_for, orgs: dict[str, Org]) -> None:  # type: ignore[no-untyped-def]
    audit_record(actor=None, action="test.donghu", org=orgs["HH-DH-JD1-001"])
    audit_record(actor=None, action="test.xishan", org=orgs["HH-XS-JD1-001"])
    page = client_for("city_admin").get("/audit/", {"action": "test."})
    assert page.status_code == 200
    assert b"test.donghu" in page.content and b"test.xishan" in page.content


def test_r01_district_admin_reads_only_own_subtree_audit(  # type: ignore[no-untyped-def]
    client_for, personas: dict[str, User], orgs: dict[str, Org]
) -> None:
    role_grant(
        actor=None, user=personas["donghu_staff"], role="federation_admin", org=orgs["HH-DH"]
    )
    audit_record(actor=None, action="test.donghu", org=orgs["HH-DH-JD1-001"])
    audit_record(actor=None, action="test.xishan", org=orgs["HH-XS-JD1-001"])
    audit_record(actor=None, action="test.cityonly")
    page = client_for("donghu_staff").get("/audit/", {"action": "test."})
    assert page.status_code == 200
    assert b"test.donghu" in page.content
    assert b"test.xishan" not in page.content
    assert b"test.cityonly" not in page.content


@pytest.mark.parametrize("username", ["donghu_staff", "factory_chair", "courier_worker"])
def test_r01_roles_without_audit_permission_get_404(client_for, username: str) -> None:  # type: ignore[no-untyped-def]
    assert client_for(username).get("/audit/").status_code == 404


def test_audit_page_accepts_no_writes(client_for) -> None:  # type: ignore[no-untyped-def]
    response = client_for("city_admin").post("/audit/", {"action": "x"})
    assert response.status_code == 405
    assert "不支持的请求方式" in response.content.decode()


def test_audit_page_filters_and_paginates_with_htmx_fragment(client_for, orgs) -> None:  # type: ignore[no-untyped-def]
    for i in range(55):
        audit_record(actor=None, action=f"bulk.{i}", org=orgs["HH-DH"])
    client = client_for("city_admin")
    page = client.get("/audit/", {"action": "bulk."})
    assert "共 55 条记录" in page.content.decode()
    assert "1 / 2" in page.content.decode()
    fragment = client.get("/audit/", {"action": "bulk.", "page": 2}, HTTP_HX_REQUEST="true")
    body = fragment.content.decode()
    assert "<html" not in body and 'id="audit-results"' in body and "2 / 2" in body


def test_admin_shows_audit_entries_read_only(personas: dict[str, User]) -> None:
    superuser = User.objects.create_superuser("root", password="x-long-password-1")
    entry = audit_record(actor=personas["city_admin"], action="test.change")
    client = Client()
    client.force_login(superuser)
    assert client.get(f"/admin/core/auditentry/{entry.pk}/change/").status_code == 200
    assert client.post(f"/admin/core/auditentry/{entry.pk}/delete/").status_code == 403
    assert client.get("/admin/core/auditentry/add/").status_code == 403
    assert AuditEntry.objects.filter(pk=entry.pk).exists()
