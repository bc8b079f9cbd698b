"""docs/permissions.md is generated from the one permission table and kept current."""

from __future__ import annotations

from gonghui.core.management.commands.permissions_doc import TARGET, render
from gonghui.core.permissions import ROLES, Perm


def test_permissions_doc_is_current() -> None:
    assert TARGET.read_text() == render(), "run `manage.py permissions_doc`"


def test_every_permission_and_role_is_documented() -> None:
    text = render()
    assert all(f"`{perm}`" in text for perm in Perm)
    assert all(f"`{code}`" in text for code in ROLES)
