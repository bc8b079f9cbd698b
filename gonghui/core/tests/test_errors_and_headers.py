"""Bad input gets a friendly Chinese page, never a stack trace; security headers are sent."""

from __future__ import annotations

import pytest
from django.http import HttpRequest, HttpResponse
from django.test import Client, override_settings
from django.urls import path

from gonghui.core.views.errors import server_error
from gonghui.urls import urlpatterns as real_urlpatterns

pytestmark = pytest.mark.django_db


def _boom(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("secret stack detail")


urlpatterns = [*real_urlpatterns, path("boom/", _boom)]
handler500 = server_error


def test_unknown_url_gets_chinese_404_page(client_for) -> None:  # type: ignore[no-untyped-def]
    response = client_for("city_admin").get("/no/such/page/")
    assert response.status_code == 404
    body = response.content.decode()
    assert "页面不存在" in body and "返回首页" in body


def test_anonymous_unknown_url_gets_404_page_too() -> None:
    response = Client().get("/no/such/page/")
    assert response.status_code == 404 and "页面不存在" in response.content.decode()


def test_wrong_method_gets_friendly_405(client_for) -> None:  # type: ignore[no-untyped-def]
    response = client_for("city_admin").delete("/calendar/")
    assert response.status_code == 405
    assert "不支持的请求方式" in response.content.decode()


def test_csrf_failure_gets_friendly_403(personas) -> None:  # type: ignore[no-untyped-def]
    client = Client(enforce_csrf_checks=True)
    response = client.post("/login/", {"username": "city_admin", "password": "x"})
    assert response.status_code == 403
    body = response.content.decode()
    assert "表单已过期" in body and "Traceback" not in body


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=1024)
def test_oversized_request_gets_friendly_400(client_for) -> None:  # type: ignore[no-untyped-def]
    response = client_for("city_admin").post("/calendar/2030/", {"holidays": "x" * 5000})
    assert response.status_code == 400
    assert "请求有误" in response.content.decode()


def test_malformed_host_gets_400() -> None:
    response = Client().get("/login/", HTTP_HOST="bad host!")
    assert response.status_code == 400
    assert "请求有误" in response.content.decode()


@override_settings(ROOT_URLCONF=__name__, DEBUG=False)
def test_server_error_shows_no_stack_trace() -> None:
    client = Client(raise_request_exception=False)
    response = client.get("/boom/")
    assert response.status_code == 500
    body = response.content.decode()
    assert "系统出错了" in body
    assert "secret stack detail" not in body and "Traceback" not in body


def test_security_headers_are_sent() -> None:
    response = Client().get("/login/")
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "script-src 'self'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_hsts_and_secure_cookies_are_on_when_debug_is_off() -> None:
    """Reads the settings module as production would load it, not an override."""
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECURE_SSL"}}
    env |= {
        "DJANGO_SETTINGS_MODULE": "gonghui.settings",
        "GONGHUI_TESTING": "0",
        "SECRET_KEY": "a-real-secret-for-the-test-0123456789",
        "PERSONAL_DATA_KEY": "a-real-personal-data-key",
    }
    code = (
        "from django.conf import settings as s; print(s.SECURE_HSTS_SECONDS, "
        "s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.DEBUG)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    ).stdout.split()
    assert out == ["31536000", "True", "True", "False"]


def test_hsts_header_is_sent_over_https(settings) -> None:  # type: ignore[no-untyped-def]
    settings.SECURE_HSTS_SECONDS = 31536000
    response = Client().get("/login/", secure=True)
    assert response["Strict-Transport-Security"].startswith("max-age=31536000")


def test_settings_refuse_to_start_on_default_secrets_with_debug_off() -> None:
    import os
    import subprocess
    import sys

    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"SECRET_KEY", "PERSONAL_DATA_KEY", "GONGHUI_TESTING", "DEBUG"}
    }
    env |= {"DJANGO_SETTINGS_MODULE": "gonghui.settings", "GONGHUI_TESTING": "0"}
    code = "import django; django.setup()"
    refused = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=False
    )
    assert refused.returncode != 0 and "SECRET_KEY must be set" in refused.stderr
    env["SECRET_KEY"] = "a-real-secret-for-the-test-0123456789"
    refused = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=False
    )
    assert refused.returncode != 0 and "PERSONAL_DATA_KEY must be set" in refused.stderr
    env["PERSONAL_DATA_KEY"] = "a-real-personal-data-key"
    started = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=False
    )
    assert started.returncode == 0, started.stderr


def test_sqlite_runs_in_wal_mode(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import os
    import subprocess
    import sys

    env = dict(
        os.environ,
        DATABASE_URL=f"sqlite:///{tmp_path / 'wal.sqlite3'}",
        GONGHUI_TESTING="1",
        DJANGO_SETTINGS_MODULE="gonghui.settings",
    )
    code = (
        "import django; django.setup(); from django.db import connection;"
        "c = connection.cursor(); c.execute('PRAGMA journal_mode'); print(c.fetchone()[0])"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "wal"
