"""The JSON API under /api/v1, with its OpenAPI docs at /api/docs. Browsers use their session
(with CSRF); mobile clients send `Authorization: Bearer <token>`. Every error is a 4xx body
`{"code": "...", "detail": ...}` that a client can act on."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import HttpBearer, SessionAuth

from gonghui.aid.api import router as aid_router
from gonghui.competitions.api import router as competitions_router
from gonghui.core.api import router as core_router
from gonghui.core.services import api_token_authenticate
from gonghui.orgs.api import router as orgs_router


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = api_token_authenticate(token)
        if user is not None:
            request.user = user
        return user


api = NinjaAPI(
    title="Gonghui API",
    version="1",
    description="工会服务平台 JSON API",
    urls_namespace="api",
    docs_url="/docs",
    openapi_url="/openapi.json",
    auth=[SessionAuth(), TokenAuth()],
)


def _error(request: HttpRequest, status: int, code: str, detail: Any) -> HttpResponse:
    return api.create_response(request, {"code": code, "detail": detail}, status=status)


@api.exception_handler(NinjaValidationError)
def on_invalid(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    return _error(request, 422, "invalid", exc.errors)


@api.exception_handler(ValidationError)
def on_django_invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    return _error(request, 422, "invalid", exc.messages)


@api.exception_handler(AuthenticationError)
def on_unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return _error(request, 401, "unauthenticated", "Log in or send a bearer token.")


@api.exception_handler(PermissionDenied)
@api.exception_handler(Http404)
def on_not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
    # Missing and forbidden look the same from outside.
    return _error(request, 404, "not_found", "Not found.")


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return _error(request, exc.status_code, "error", str(exc))


api.add_router("/v1/", core_router)
api.add_router("/v1/", orgs_router)
api.add_router("/v1/", aid_router)
api.add_router("/v1/", competitions_router)
