"""Core's API: who am I, and bearer tokens for mobile clients."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import authenticate
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django_otp import match_token, user_has_device
from ninja import Router, Schema, Status
from ninja.errors import HttpError

from gonghui.core import services
from gonghui.core.models import ApiToken, User
from gonghui.core.permissions import ROLES
from gonghui.core.scoping import roles_of

router = Router(tags=["core"])


class RoleOut(Schema):
    role: str
    role_label: str
    org_id: int
    org_name: str


class MeOut(Schema):
    id: int
    username: str
    display_name: str
    roles: list[RoleOut]


class TokenIn(Schema):
    username: str
    password: str
    otp: str = ""
    name: str = "mobile"


class TokenOut(Schema):
    id: int
    token: str
    created_at: dt.datetime


class ErrorOut(Schema):
    code: str
    detail: str


@router.get("/me", response=MeOut)
def me(request: HttpRequest) -> MeOut:
    user: User = request.user  # type: ignore[assignment]  # auth guarantees a user
    roles = [
        RoleOut(
            role=a.role, role_label=str(ROLES[a.role].label), org_id=a.org_id, org_name=a.org.name
        )
        for a in roles_of(user)
    ]
    return MeOut(id=user.pk, username=user.username, display_name=str(user), roles=roles)


@router.post("/tokens", response={201: TokenOut, 401: ErrorOut, 429: ErrorOut}, auth=None)
def token_create(request: HttpRequest, payload: TokenIn) -> Status[TokenOut | ErrorOut]:
    """Exchange a username and password for a bearer token (the same lockout as the web)."""
    user = authenticate(request, username=payload.username, password=payload.password)
    if getattr(request, "axes_locked_out", False):
        return Status(429, ErrorOut(code="locked_out", detail="Too many failed attempts; wait."))
    if not isinstance(user, User):
        return Status(401, ErrorOut(code="bad_credentials", detail="Wrong username or password."))
    if user_has_device(user) and (not payload.otp or match_token(user, payload.otp) is None):
        # Two-factor login holds for the API as for the web: the code goes in "otp".
        return Status(401, ErrorOut(code="otp_required", detail="Send the current TOTP code."))
    token, key = services.api_token_create(actor=user, name=payload.name)
    return Status(201, TokenOut(id=token.pk, token=key, created_at=token.created_at))


@router.delete("/tokens/{token_id}", response={204: None})
def token_revoke(request: HttpRequest, token_id: int) -> Status[None]:
    user: User = request.user  # type: ignore[assignment]  # auth guarantees a user
    token = get_object_or_404(ApiToken, pk=token_id, user=user)
    if token.revoked_at is not None:
        raise HttpError(410, "Already revoked.")
    services.api_token_revoke(actor=user, token=token)
    return Status(204, None)
