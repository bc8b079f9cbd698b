"""The JSON API: session auth for browsers, bearer tokens for mobile clients, and errors as
machine-readable 4xx bodies."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from gonghui.core.demo.city import DEMO_PASSWORD
from gonghui.core.models import ApiToken

pytestmark = pytest.mark.django_db


def test_anonymous_gets_401_json() -> None:
    response = Client().get("/api/v1/me")
    assert response.status_code == 401
    assert response.json()["code"] == "unauthenticated"


def test_session_user_reads_me_with_roles(client_for) -> None:  # type: ignore[no-untyped-def]
    body = client_for("donghu_staff").get("/api/v1/me").json()
    assert body["username"] == "donghu_staff"
    assert body["roles"] == [
        {
            "role": "federation_staff",
            "role_label": "总工会工作人员",
            "org_id": body["roles"][0]["org_id"],
            "org_name": "东湖区总工会",
        }
    ]


def _token(username: str = "courier_worker") -> str:
    response = Client().post(
        "/api/v1/tokens",
        data=json.dumps({"username": username, "password": DEMO_PASSWORD, "name": "phone"}),
        content_type="application/json",
    )
    assert response.status_code == 201
    token: str = response.json()["token"]
    return token


def test_token_login_then_bearer_requests(personas) -> None:  # type: ignore[no-untyped-def]
    token = _token()
    response = Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 200 and response.json()["username"] == "courier_worker"
    assert not ApiToken.objects.filter(key_hash=token).exists()  # only the hash is stored


def test_wrong_credentials_get_401_json(personas) -> None:  # type: ignore[no-untyped-def]
    response = Client().post(
        "/api/v1/tokens",
        data=json.dumps({"username": "courier_worker", "password": "nope"}),
        content_type="application/json",
    )
    assert response.status_code == 401 and response.json()["code"] == "bad_credentials"


def test_token_endpoint_locks_out_like_the_web_login(personas, settings) -> None:  # type: ignore[no-untyped-def]
    settings.AXES_FAILURE_LIMIT = 3
    codes = []
    for _ in range(4):
        codes.append(
            Client()
            .post(
                "/api/v1/tokens",
                data=json.dumps({"username": "courier_worker", "password": "nope"}),
                content_type="application/json",
            )
            .status_code
        )
    assert codes[-1] == 429


def test_revoked_token_stops_working(personas) -> None:  # type: ignore[no-untyped-def]
    token = _token()
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    token_id = ApiToken.objects.get().pk
    assert client.delete(f"/api/v1/tokens/{token_id}").status_code == 204
    assert client.get("/api/v1/me").status_code == 401


def test_someone_elses_token_is_404(personas) -> None:  # type: ignore[no-untyped-def]
    _token("courier_worker")
    other = Client(HTTP_AUTHORIZATION=f"Bearer {_token('factory_chair')}")
    worker_token = ApiToken.objects.get(user__username="courier_worker")
    response = other.delete(f"/api/v1/tokens/{worker_token.pk}")
    assert response.status_code == 404 and response.json()["code"] == "not_found"


def test_malformed_body_gets_422_json(personas) -> None:  # type: ignore[no-untyped-def]
    response = Client().post("/api/v1/tokens", data="{not json", content_type="application/json")
    assert response.status_code == 400
    assert response.json() == {"code": "error", "detail": "Cannot parse request body"}
    missing = Client().post(
        "/api/v1/tokens", data=json.dumps({"username": "x"}), content_type="application/json"
    )
    assert missing.status_code == 422 and missing.json()["code"] == "invalid"


def test_openapi_docs_are_served_without_a_cdn() -> None:
    docs = Client().get("/api/docs")
    assert docs.status_code == 200
    body = docs.content.decode()
    assert "cdn" not in body.lower()
    assert "/static/" in body
    schema = Client().get("/api/openapi.json").json()
    assert "/api/v1/me" in schema["paths"]


@pytest.mark.parametrize(
    ("method", "path", "status", "code"),
    [
        ("get", "/api/v1/nothing-here", 404, "not_found"),
        ("put", "/api/v1/me", 405, "method_not_allowed"),
    ],
)
def test_api_errors_are_always_json(  # type: ignore[no-untyped-def]
    client_for, method: str, path: str, status: int, code: str
) -> None:
    response = getattr(client_for("city_admin"), method)(path)
    assert response.status_code == status
    assert response.json()["code"] == code


def test_oversized_api_request_gets_json_400(personas, settings) -> None:  # type: ignore[no-untyped-def]
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100
    response = Client().post(
        "/api/v1/tokens",
        data=json.dumps({"username": "x" * 500, "password": "y"}),
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["code"] in {"bad_request", "error"}


def test_token_for_a_two_factor_user_needs_the_code(personas) -> None:  # type: ignore[no-untyped-def]
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.create(user=personas["city_admin"], name="app", confirmed=True)
    payload = {"username": "city_admin", "password": DEMO_PASSWORD}
    refused = Client().post(
        "/api/v1/tokens", data=json.dumps(payload), content_type="application/json"
    )
    assert refused.status_code == 401 and refused.json()["code"] == "otp_required"
    code = f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"
    granted = Client().post(
        "/api/v1/tokens", data=json.dumps({**payload, "otp": code}), content_type="application/json"
    )
    assert granted.status_code == 201


def test_password_change_revokes_api_tokens(client_for, personas) -> None:  # type: ignore[no-untyped-def]
    token = _token("factory_chair")
    client = client_for("factory_chair")
    client.post(
        "/account/password/",
        {
            "old_password": DEMO_PASSWORD,
            "new_password1": "another-good-passw0rd",
            "new_password2": "another-good-passw0rd",
        },
    )
    assert Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 401
