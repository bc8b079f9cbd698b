"""Background work of orgs: roster checks and imports, member exports. Tasks take ids, run
after commit and call a service."""

from __future__ import annotations

import uuid

from django_tasks import task

from gonghui.orgs.roster import exporting, importing


@task()
def roster_check_task(import_id: str) -> None:
    importing.roster_check(import_id=uuid.UUID(import_id))


@task()
def roster_import_task(import_id: str) -> None:
    importing.roster_import_run(import_id=uuid.UUID(import_id))


@task()
def member_export_task(progress_id: str, actor_id: int, org_id: int | None, reveal: bool) -> None:
    exporting.member_export_run(
        progress_id=uuid.UUID(progress_id), actor_id=actor_id, org_id=org_id, reveal=reveal
    )
