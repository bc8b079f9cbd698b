"""Background work of core: delivering notifications."""

from __future__ import annotations

from django_tasks import task

from gonghui.core.notify import notification_deliver


@task()
def notification_deliver_task(notification_id: int) -> None:
    notification_deliver(notification_id=notification_id)
