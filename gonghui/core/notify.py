"""Notifications: written to an outbox in the same transaction as the change they report, then
delivered after commit by every backend in settings.NOTIFY_BACKENDS. The in-app inbox needs no
delivery (the row is the message); ConsoleBackend logs (the embedded default); a deployment adds
SMS or WeChat template-message backends with the same one-method interface."""

from __future__ import annotations

import logging
from typing import Protocol

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from gonghui.core.models import Notification, User

logger = logging.getLogger("gonghui.notify")


class Backend(Protocol):
    def send(self, notification: Notification) -> None: ...


class ConsoleBackend:
    """Writes each message to the log: the embedded default, and a developer's outbox."""

    def send(self, notification: Notification) -> None:
        logger.warning(
            "notify %s: %s %s", notification.recipient, notification.subject, notification.url
        )


def notify(*, recipient: User | None, subject: str, body: str = "", url: str = "") -> None:
    """Queues a message to a person (nothing when there is nobody to tell)."""
    if recipient is None:
        return
    note = Notification.objects.create(
        recipient=recipient, subject=subject[:120], body=body, url=url[:300]
    )
    from gonghui.core.tasks import notification_deliver_task

    transaction.on_commit(lambda: notification_deliver_task.enqueue(note.pk))


def notification_deliver(*, notification_id: int) -> Notification:
    """Hands the message to every configured channel; a failing channel is recorded, and the
    others still deliver."""
    note = Notification.objects.select_related("recipient").get(pk=notification_id)
    errors = []
    for path in settings.NOTIFY_BACKENDS:
        try:
            backend: Backend = import_string(path)()
            backend.send(note)
        except Exception as exc:  # one channel's failure must not stop the rest
            errors.append(f"{path}: {exc}")
    Notification.objects.filter(pk=note.pk).update(
        delivered_at=timezone.now(), delivery_error="\n".join(errors)
    )
    return note


def notifications_read(*, actor: User) -> int:
    return Notification.objects.filter(recipient=actor, read_at__isnull=True).update(
        read_at=timezone.now()
    )
