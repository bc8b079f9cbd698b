"""Background work of review: closing a public notice when its period ends."""

from __future__ import annotations

from django_tasks import task

from gonghui.review.notices import notice_close


@task()
def notice_close_task(notice_id: int) -> None:
    notice_close(notice_id=notice_id)
