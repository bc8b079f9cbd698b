"""The notification channels a deployment may add to settings.NOTIFY_BACKENDS beside the
in-app inbox: an HTTP SMS gateway, and the WeChat official account's template messages. Each
sends one message; a person without a mobile or an openid is simply not reached by it. A
failure raises, and `notify.notification_deliver` records it on the message.

Both speak plain HTTPS with JSON through the standard library: the two calls are small and
fixed, and a client library per vendor would be more to keep than the code it saves."""

from __future__ import annotations

import json
import urllib.parse
import urllib.request
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

from gonghui.core.models import Notification

TIMEOUT = 10  # seconds
TOKEN_CACHE_KEY = "notify:wechat:access_token"  # noqa: S105  # a cache key, not a secret
WECHAT_TOKEN_ERRORS = {40001, 40014, 42001}  # invalid or expired access token: fetch anew


def _call(url: str, payload: dict[str, Any] | None = None, token: str = "") -> dict[str, Any]:
    data = json.dumps(payload, ensure_ascii=False).encode() if payload is not None else None
    request = urllib.request.Request(url, data=data, method="POST" if data else "GET")  # noqa: S310  # https from settings
    request.add_header("Content-Type", "application/json; charset=utf-8")
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    with urllib.request.urlopen(request, timeout=TIMEOUT) as response:  # noqa: S310  # as above
        body = response.read().decode() or "{}"
    answer: dict[str, Any] = json.loads(body)
    return answer


def _link(notification: Notification) -> str:
    return f"{settings.SITE_URL}{notification.url}" if notification.url else settings.SITE_URL


class SmsGatewayBackend:
    """POSTs {"phone", "text"} to SMS_GATEWAY_URL with SMS_GATEWAY_TOKEN as a bearer token;
    the text is the signature, the subject and the link."""

    def send(self, notification: Notification) -> None:
        phone = notification.recipient.mobile
        if not phone:
            return
        sms_gateway_send(phone, f"{notification.subject} {_link(notification)}")


def sms_gateway_send(phone: str, text: str) -> None:
    """One text through the HTTP gateway, signed with SMS_SIGNATURE."""
    if not settings.SMS_GATEWAY_URL:
        raise ImproperlyConfigured("Sending SMS needs SMS_GATEWAY_URL.")
    _call(
        settings.SMS_GATEWAY_URL,
        {"phone": phone, "text": f"{settings.SMS_SIGNATURE}{text}"},
        token=settings.SMS_GATEWAY_TOKEN,
    )


class WeChatTemplateBackend:
    """Sends the official account's template message WECHAT_TEMPLATE_ID to the person's openid,
    with the subject, the body and the time, linking to the page. The access token is cached
    until shortly before it expires, and fetched anew when WeChat says it is no longer valid."""

    def send(self, notification: Notification) -> None:
        openid = notification.recipient.wechat_openid
        if not openid:
            return
        if not (settings.WECHAT_APPID and settings.WECHAT_SECRET and settings.WECHAT_TEMPLATE_ID):
            raise ImproperlyConfigured(
                "WeChatTemplateBackend needs WECHAT_APPID, WECHAT_SECRET and WECHAT_TEMPLATE_ID."
            )
        payload = {
            "touser": openid,
            "template_id": settings.WECHAT_TEMPLATE_ID,
            "url": _link(notification),
            "data": {
                "first": {"value": notification.subject},
                "keyword1": {"value": (notification.body or notification.subject)[:100]},
                "keyword2": {
                    "value": timezone.localtime(notification.created_at).strftime("%Y-%m-%d %H:%M")
                },
                "remark": {"value": ""},
            },
        }
        for attempt in (1, 2):
            answer = _call(
                f"{settings.WECHAT_API_BASE}/cgi-bin/message/template/send?"
                + urllib.parse.urlencode({"access_token": self._token(fresh=attempt == 2)}),
                payload,
            )
            code = int(answer.get("errcode", 0))
            if code == 0:
                return
            if code not in WECHAT_TOKEN_ERRORS or attempt == 2:
                raise RuntimeError(f"WeChat refused the message: {code} {answer.get('errmsg')}")

    def _token(self, *, fresh: bool) -> str:
        token: str | None = None if fresh else cache.get(TOKEN_CACHE_KEY)
        if token:
            return token
        query = urllib.parse.urlencode(
            {
                "grant_type": "client_credential",
                "appid": settings.WECHAT_APPID,
                "secret": settings.WECHAT_SECRET,
            }
        )
        answer = _call(f"{settings.WECHAT_API_BASE}/cgi-bin/token?{query}")
        if "access_token" not in answer:
            raise RuntimeError(
                f"WeChat gave no access token: {answer.get('errcode')} {answer.get('errmsg')}"
            )
        token = str(answer["access_token"])
        cache.set(TOKEN_CACHE_KEY, token, max(60, int(answer.get("expires_in", 7200)) - 300))
        return token
