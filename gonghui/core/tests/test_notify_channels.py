"""The SMS and WeChat channels of the notification outbox, against a local stand-in for the
SMS gateway and WeChat's API: what they send, the token they reuse and renew, and that a
failing channel is recorded while the message stays in the inbox."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

import pytest

from gonghui.core.models import Notification, User
from gonghui.core.notify import notification_deliver, notify

pytestmark = pytest.mark.django_db

SMS = "gonghui.core.notify_channels.SmsGatewayBackend"
WECHAT = "gonghui.core.notify_channels.WeChatTemplateBackend"


class Stub:
    def __init__(self) -> None:
        self.calls: list[tuple[str, str, dict[str, Any], str]] = []
        self.tokens_issued = 0
        self.expire_next = False
        self.fail_sms = False


@pytest.fixture
def stub(settings: Any) -> Iterator[Stub]:
    state = Stub()

    class Handler(BaseHTTPRequestHandler):
        def _answer(self, body: dict[str, Any], status: int = 200) -> None:
            raw = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(raw)))
            self.end_headers()
            self.wfile.write(raw)

        def do_GET(self) -> None:  # http.server's name
            state.calls.append(("GET", self.path, {}, ""))
            state.tokens_issued += 1
            self._answer({"access_token": f"token-{state.tokens_issued}", "expires_in": 7200})

        def do_POST(self) -> None:  # http.server's name
            length = int(self.headers.get("Content-Length", 0))
            body = json.loads(self.rfile.read(length) or b"{}")
            state.calls.append(("POST", self.path, body, self.headers.get("Authorization", "")))
            if self.path.startswith("/sms"):
                self._answer({"ok": not state.fail_sms}, 500 if state.fail_sms else 200)
            elif state.expire_next:
                state.expire_next = False
                self._answer({"errcode": 42001, "errmsg": "access_token expired"})
            else:
                self._answer({"errcode": 0, "errmsg": "ok"})

        def log_message(self, *args: object) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_port}"
    settings.SITE_URL = "https://gonghui.example.org"
    settings.SMS_GATEWAY_URL = f"{base}/sms/send"
    settings.SMS_GATEWAY_TOKEN = "sms-secret"
    settings.SMS_SIGNATURE = "【淮河市总工会】"
    settings.WECHAT_APPID, settings.WECHAT_SECRET = "wx-app", "wx-secret"
    settings.WECHAT_TEMPLATE_ID = "tpl-1"
    settings.WECHAT_API_BASE = base
    settings.NOTIFY_BACKENDS = [SMS, WECHAT]
    yield state
    server.shutdown()


def _worker(**fields: str) -> User:
    return User.objects.create(username="worker", display_name="周骑手", **fields)


def test_sms_and_wechat_reach_the_person_with_the_link(stub: Stub) -> None:
    user = _worker(mobile="13912345678", wechat_openid="o-abc")
    with pytest.MonkeyPatch.context():
        notify(
            recipient=user, subject="已审批通过：周*川", body="金秋助学", url="/aid/applications/1/"
        )
    note = Notification.objects.get()
    notification_deliver(notification_id=note.pk)  # what the task does after commit
    sms = next(c for c in stub.calls if c[1] == "/sms/send")
    assert sms[2] == {
        "phone": "13912345678",
        "text": "【淮河市总工会】已审批通过：周*川 https://gonghui.example.org/aid/applications/1/",
    }
    assert sms[3] == "Bearer sms-secret"
    sent = next(c for c in stub.calls if c[1].startswith("/cgi-bin/message/template/send"))
    assert "access_token=token-1" in sent[1]
    assert sent[2]["touser"] == "o-abc" and sent[2]["template_id"] == "tpl-1"
    assert sent[2]["data"]["first"]["value"] == "已审批通过：周*川"
    assert sent[2]["url"] == "https://gonghui.example.org/aid/applications/1/"
    note.refresh_from_db()
    assert note.delivered_at is not None and note.delivery_error == ""


def test_wechat_reuses_its_token_and_renews_an_expired_one(stub: Stub) -> None:
    user = _worker(wechat_openid="o-abc")
    for n in range(2):
        notify(recipient=user, subject=f"消息{n}")
    for note in Notification.objects.order_by("pk"):
        notification_deliver(notification_id=note.pk)
    assert stub.tokens_issued == 1  # cached between messages
    stub.expire_next = True
    notify(recipient=user, subject="再来一条")
    notification_deliver(notification_id=Notification.objects.latest("pk").pk)
    assert stub.tokens_issued == 2
    assert Notification.objects.latest("pk").delivery_error == ""


def test_a_failing_channel_is_recorded_and_the_others_still_deliver(stub: Stub) -> None:
    stub.fail_sms = True
    user = _worker(mobile="13912345678", wechat_openid="o-abc")
    notify(recipient=user, subject="通知")
    note = Notification.objects.get()
    notification_deliver(notification_id=note.pk)
    note.refresh_from_db()
    assert "SmsGatewayBackend" in note.delivery_error
    assert any(c[1].startswith("/cgi-bin/message/template/send") for c in stub.calls)


def test_people_without_a_mobile_or_openid_stay_in_app_only(stub: Stub) -> None:
    notify(recipient=_worker(), subject="通知")
    notification_deliver(notification_id=Notification.objects.get().pk)
    assert stub.calls == []
    assert Notification.objects.get().delivery_error == ""


def test_a_person_sets_the_mobile_sms_reaches(client_for, personas) -> None:  # type: ignore[no-untyped-def]
    client = client_for("courier_worker")
    client.post("/account/mobile/", {"mobile": "139 1234 5678"})
    personas["courier_worker"].refresh_from_db()
    assert personas["courier_worker"].mobile == "13912345678"
    page = client.post("/account/mobile/", {"mobile": "12345"}, follow=True).content.decode()
    assert "请输入 11 位手机号码" in page
    personas["courier_worker"].refresh_from_db()
    assert personas["courier_worker"].mobile == "13912345678"  # the bad one changed nothing
