"""Triggers that keep orgs_membershipcount equal to the memberships per union and state,
whatever writes them (services, the roster import's plain INSERT, the demo loader).

PostgreSQL: statement-level triggers with transition tables, so an import of 100,000 rows
updates each (union, state) total once. SQLite: row-level triggers (it has no statement
triggers; they run in-process and are cheap)."""

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

PG_UP = """
CREATE OR REPLACE FUNCTION orgs_membership_count_apply() RETURNS trigger AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        INSERT INTO orgs_membershipcount (org_id, state, n)
        SELECT org_id, state, -count(*) FROM old_rows GROUP BY org_id, state
        ON CONFLICT (org_id, state) DO UPDATE SET n = orgs_membershipcount.n + EXCLUDED.n;
    END IF;
    IF TG_OP IN ('UPDATE', 'INSERT') THEN
        INSERT INTO orgs_membershipcount (org_id, state, n)
        SELECT org_id, state, count(*) FROM new_rows GROUP BY org_id, state
        ON CONFLICT (org_id, state) DO UPDATE SET n = orgs_membershipcount.n + EXCLUDED.n;
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER orgs_membership_count_insert AFTER INSERT ON orgs_membership
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT
    EXECUTE FUNCTION orgs_membership_count_apply();
CREATE TRIGGER orgs_membership_count_update AFTER UPDATE ON orgs_membership
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT
    EXECUTE FUNCTION orgs_membership_count_apply();
CREATE TRIGGER orgs_membership_count_delete AFTER DELETE ON orgs_membership
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT
    EXECUTE FUNCTION orgs_membership_count_apply();
"""
PG_DOWN = """
DROP TRIGGER IF EXISTS orgs_membership_count_insert ON orgs_membership;
DROP TRIGGER IF EXISTS orgs_membership_count_update ON orgs_membership;
DROP TRIGGER IF EXISTS orgs_membership_count_delete ON orgs_membership;
DROP FUNCTION IF EXISTS orgs_membership_count_apply();
"""
# Adding upserts; taking away only updates a row that is there, so that the test runner's flush
# (DELETE FROM every table, in no set order) leaves no stray negative totals behind.
_SQLITE_ADD = """
    INSERT INTO orgs_membershipcount (org_id, state, n) VALUES (NEW.org_id, NEW.state, 1)
    ON CONFLICT (org_id, state) DO UPDATE SET n = n + 1;
"""
_SQLITE_TAKE = """
    UPDATE orgs_membershipcount SET n = n - 1 WHERE org_id = OLD.org_id AND state = OLD.state;
"""
SQLITE_UP = [
    "CREATE TRIGGER orgs_membership_count_insert AFTER INSERT ON orgs_membership BEGIN"
    + _SQLITE_ADD + "END;",
    "CREATE TRIGGER orgs_membership_count_update AFTER UPDATE OF org_id, state ON "
    "orgs_membership BEGIN" + _SQLITE_TAKE + _SQLITE_ADD + "END;",
    "CREATE TRIGGER orgs_membership_count_delete AFTER DELETE ON orgs_membership BEGIN"
    + _SQLITE_TAKE + "END;",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS orgs_membership_count_insert;",
    "DROP TRIGGER IF EXISTS orgs_membership_count_update;",
    "DROP TRIGGER IF EXISTS orgs_membership_count_delete;",
]
# Existing rows, counted once when the triggers arrive.
BACKFILL = """
INSERT INTO orgs_membershipcount (org_id, state, n)
SELECT org_id, state, count(*) FROM orgs_membership GROUP BY org_id, state;
"""


def forwards(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    vendor = schema_editor.connection.vendor
    schema_editor.execute("DELETE FROM orgs_membershipcount;")
    schema_editor.execute(BACKFILL)
    if vendor == "postgresql":
        schema_editor.execute(PG_UP)
    elif vendor == "sqlite":
        for sql in SQLITE_UP:
            schema_editor.execute(sql)


def backwards(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_DOWN)
    elif vendor == "sqlite":
        for sql in SQLITE_DOWN:
            schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("orgs", "0002_membership_count")]
    operations = [migrations.RunPython(forwards, backwards)]
