"""The outbox: a message is written with the change it reports, delivered by every configured
channel after commit (a failing channel recorded, the others still delivering), and read in the
person's in-app inbox."""

from __future__ import annotations

import pytest

from gonghui.core.models import Notification, User
from gonghui.core.notify import notification_deliver, notify

pytestmark = pytest.mark.django_db

SENT: list[str] = []


class RecordingBackend:
    def send(self, notification: Notification) -> None:
        SENT.append(notification.subject)


class BrokenBackend:
    def send(self, notification: Notification) -> None:
        raise RuntimeError("SMS gateway down")


def test_every_channel_delivers_and_a_broken_one_is_recorded(personas, settings) -> None:  # type: ignore[no-untyped-def]
    settings.NOTIFY_BACKENDS = [f"{__name__}.BrokenBackend", f"{__name__}.RecordingBackend"]
    SENT.clear()
    note = Notification.objects.create(recipient=personas["courier_worker"], subject="欢迎入会")
    notification_deliver(notification_id=note.pk)
    note.refresh_from_db()
    assert SENT == ["欢迎入会"]
    assert note.delivered_at is not None and "SMS gateway down" in note.delivery_error


def test_inbox_shows_unread_count_and_marks_read(client_for, personas) -> None:  # type: ignore[no-untyped-def]
    worker: User = personas["courier_worker"]
    notify(recipient=worker, subject="您的入会申请已通过", url="/me/membership/")
    client = client_for("courier_worker")
    assert 'data-testid="unread"' in client.get("/").content.decode()
    assert "您的入会申请已通过" in client.get("/notifications/").content.decode()
    client.post("/notifications/")
    assert 'data-testid="unread"' not in client.get("/").content.decode()
    assert (
        "您的入会申请已通过"
        not in client_for("factory_chair").get("/notifications/").content.decode()
    )


def test_nobody_to_tell_is_no_error() -> None:
    notify(recipient=None, subject="x")
    assert not Notification.objects.exists()
