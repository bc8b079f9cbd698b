"""Small request helpers shared by every app's views."""

from __future__ import annotations

from django.http import HttpRequest

from gonghui.core.models import User


def request_user(request: HttpRequest) -> User:
    """The logged-in user of a view behind login_required, typed as our User."""
    user: User = request.user  # type: ignore[assignment]  # login_required ran first
    return user
