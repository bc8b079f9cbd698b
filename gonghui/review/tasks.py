"""Background work of review: closing a public notice when its period ends."""

from __future__ import annotations

import uuid

from django_tasks import task

from gonghui.review.notices import notice_close
from gonghui.review.services import bulk_decide


@task()
def notice_close_task(notice_id: int) -> None:
    notice_close(notice_id=notice_id)


@task()
def bulk_decide_task(
    progress_id: str, actor_id: int, case_ids: list[int], decision: str, reason: str
) -> None:
    bulk_decide(
        progress_id=uuid.UUID(progress_id),
        actor_id=actor_id,
        case_ids=case_ids,
        decision=decision,
        reason=reason,
    )
