"""Background work of orgs: roster checks and imports, member exports. Tasks take ids, run
after commit and call a service."""

from __future__ import annotations

import uuid

from django.utils.translation import gettext as _
from django_tasks import task

from gonghui.core.progress import progress_fail
from gonghui.orgs.roster import exporting, importing


@task()
def roster_check_task(import_id: str) -> None:
    try:
        importing.roster_check(import_id=uuid.UUID(import_id))
    except Exception:
        importing.roster_fail(import_id=uuid.UUID(import_id))
        raise  # logged by the task backend


@task()
def roster_import_task(import_id: str) -> None:
    try:
        importing.roster_import_run(import_id=uuid.UUID(import_id))
    except Exception:
        importing.roster_fail(import_id=uuid.UUID(import_id))
        raise


@task()
def member_export_task(progress_id: str, actor_id: int, org_id: int | None, reveal: bool) -> None:
    try:
        exporting.member_export_run(
            progress_id=uuid.UUID(progress_id), actor_id=actor_id, org_id=org_id, reveal=reveal
        )
    except Exception:
        progress_fail(
            progress_id=uuid.UUID(progress_id),
            message=_("The export stopped on an unexpected error. Try again later."),
        )
        raise
