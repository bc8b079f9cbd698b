"""Database triggers that make a table append-only: one mechanism for the audit log and every
trail (review steps…), used from migrations.

PostgreSQL refuses UPDATE and DELETE (TRUNCATE, the test runner's flush and a table owner's
maintenance, stays possible). SQLite refuses UPDATE; its DELETE is refused by the model and
queryset only, because SQLite's flush between tests is a DELETE and SQLite has no TRUNCATE to
tell the two apart."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.backends.base.schema import BaseDatabaseSchemaEditor

Operation = Callable[[Any, BaseDatabaseSchemaEditor], None]


def triggers(table: str) -> tuple[Operation, Operation]:
    """(forwards, backwards) for migrations.RunPython."""
    function = f"{table}_append_only"

    def forwards(apps: Any, schema_editor: BaseDatabaseSchemaEditor) -> None:
        vendor = schema_editor.connection.vendor
        if vendor == "postgresql":
            schema_editor.execute(
                f"CREATE OR REPLACE FUNCTION {function}() RETURNS trigger AS $$ BEGIN "
                f"RAISE EXCEPTION '{table} is append-only'; END; $$ LANGUAGE plpgsql;"
            )
            schema_editor.execute(
                f"CREATE TRIGGER {function} BEFORE UPDATE OR DELETE ON {table} "
                f"FOR EACH ROW EXECUTE FUNCTION {function}();"
            )
        elif vendor == "sqlite":
            schema_editor.execute(
                f"CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table} "
                f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END;"
            )

    def backwards(apps: Any, schema_editor: BaseDatabaseSchemaEditor) -> None:
        vendor = schema_editor.connection.vendor
        if vendor == "postgresql":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {function} ON {table};")
            schema_editor.execute(f"DROP FUNCTION IF EXISTS {function}();")
        elif vendor == "sqlite":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_no_update;")

    return forwards, backwards
