"""Texts to phone numbers that belong to no user yet (a voter's verification code). Each is
written to the outbox (`SmsMessage`) and handed to settings.SMS_SENDER after commit:

- `OutboxSender`, the embedded default: the row is the message and the log shows it, so a
  developer, a demo or a test reads the code from the outbox;
- `GatewaySender`: the HTTP gateway that `notify_channels` also uses for notifications.

A sender has one method, `send(phone, text)`; a deployment may name its own."""

from __future__ import annotations

import logging
from typing import Protocol

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from gonghui.core.models import SmsMessage
from gonghui.core.personal_data import lookup_hash

logger = logging.getLogger("gonghui.sms")


class Sender(Protocol):
    def send(self, phone: str, text: str) -> None: ...


class OutboxSender:
    def send(self, phone: str, text: str) -> None:
        logger.warning("sms to %s…%s: %s", phone[:3], phone[-2:], text)


class GatewaySender:
    def send(self, phone: str, text: str) -> None:
        from gonghui.core.notify_channels import sms_gateway_send

        sms_gateway_send(phone, text)


def sms_send(*, phone: str, text: str) -> SmsMessage:
    """Queues `text` to `phone`; delivered once the caller's transaction commits."""
    message = SmsMessage.objects.create(phone=phone, phone_key=lookup_hash(phone), text=text[:300])
    transaction.on_commit(lambda: sms_deliver(message_id=message.pk))
    return message


def sms_deliver(*, message_id: int) -> SmsMessage:
    """Hands one queued text to the configured sender; a failure is recorded on the row."""
    message = SmsMessage.objects.get(pk=message_id)
    error = ""
    try:
        sender: Sender = import_string(settings.SMS_SENDER)()
        sender.send(message.phone, message.text)
    except Exception as exc:  # recorded, and the voter may ask for a new code
        error = str(exc)[:500]
    SmsMessage.objects.filter(pk=message.pk).update(sent_at=timezone.now(), error=error)
    return message


def outbox_for(phone: str) -> list[SmsMessage]:
    """The texts sent to a phone, newest first (for the demo and the tests)."""
    return list(SmsMessage.objects.filter(phone_key=lookup_hash(phone)))
