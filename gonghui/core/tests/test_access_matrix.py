"""R1: every URL the site serves is declared here with what each persona gets, so a new view
without a rule fails this suite. Missing and forbidden both answer 404."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from gonghui.core.models import User

pytestmark = pytest.mark.django_db

PERSONAS = [
    "anonymous",
    "city_admin",
    "donghu_staff",
    "xishan_staff",
    "factory_chair",
    "courier_worker",
]
LOGIN = 302  # anonymous is sent to the login page
HOME = 302  # logged-in visitors of the login pages are sent home


def _all(status: int, anonymous: int = LOGIN) -> dict[str, int]:
    return {p: (anonymous if p == "anonymous" else status) for p in PERSONAS}


# url name → (kwargs, {persona: status for GET})
MATRIX: dict[str, tuple[dict[str, object], dict[str, int]]] = {
    "core:home": ({}, _all(200)),
    "core:login": ({}, _all(HOME, anonymous=200)),
    "core:login_otp": ({}, _all(302, anonymous=302)),
    "core:logout": ({}, _all(405, anonymous=405)),
    "core:account": ({}, _all(200)),
    "core:password_change": ({}, _all(200)),
    "core:totp_start": ({}, _all(405)),
    "core:totp_confirm": ({}, _all(405)),
    "core:totp_remove": ({}, _all(405)),
    "core:audit": ({}, _all(404) | {"city_admin": 200}),
    "core:calendar": ({}, _all(200) | {"courier_worker": 404}),
    "core:calendar_year": ({"year": 2030}, _all(404) | {"city_admin": 200}),
    "core:progress": ({"pk": "00000000-0000-0000-0000-000000000000"}, _all(404)),
    "set_language": ({}, _all(302, anonymous=302)),
}
API_MATRIX: dict[str, dict[str, int]] = {
    "/api/v1/me": _all(200, anonymous=401),
    "/api/docs": _all(200, anonymous=200),
    "/api/openapi.json": _all(200, anonymous=200),
}
IGNORED_NAMESPACES = {"admin", "api"}  # Django's admin (superusers only) and the API below


def _names(resolver: URLResolver, prefix: str = "") -> Iterator[str]:
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            namespace = pattern.namespace or ""
            if namespace in IGNORED_NAMESPACES:
                continue
            yield from _names(pattern, f"{prefix}{namespace}:" if namespace else prefix)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield prefix + pattern.name


def test_every_url_has_a_declared_rule() -> None:
    assert sorted(set(_names(get_resolver()))) == sorted(MATRIX)


def _client(username: str, personas: dict[str, User]) -> Client:
    client = Client()
    if username != "anonymous":
        client.force_login(personas[username])
    return client


@pytest.mark.parametrize("persona", PERSONAS)
def test_r01_each_persona_gets_what_the_matrix_declares(
    persona: str, personas: dict[str, User]
) -> None:
    client = _client(persona, personas)
    got = {
        name: client.get(reverse(name, kwargs=kwargs)).status_code
        for name, (kwargs, _) in MATRIX.items()
    }
    got |= {path: client.get(path).status_code for path in API_MATRIX}
    expected = {name: rules[persona] for name, (_, rules) in MATRIX.items()}
    expected |= {path: rules[persona] for path, rules in API_MATRIX.items()}
    assert got == expected


# Every API operation and who may call it; test_api.py proves each rule.
API_OPERATIONS = {
    ("get", "/api/v1/me"): "any logged-in user (session or bearer token)",
    ("post", "/api/v1/tokens"): "anyone with a username and password (axes lockout applies)",
    ("delete", "/api/v1/tokens/{token_id}"): "the token's owner; others get 404",
}


def test_every_api_operation_has_a_declared_rule() -> None:
    schema = Client().get("/api/openapi.json").json()
    operations = {(method, path) for path, item in schema["paths"].items() for method in item}
    assert operations == set(API_OPERATIONS)
