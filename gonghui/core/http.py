"""Small request helpers shared by every app's views."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest

from gonghui.core.models import User

T = TypeVar("T")


def request_user(request: HttpRequest) -> User:
    """The logged-in user of a view behind login_required, typed as our User."""
    user: User = request.user  # type: ignore[assignment]  # login_required ran first
    return user


def run_step(request: HttpRequest, step: Callable[[], T]) -> T | None:
    """Runs one service call for a page's POST: its refusal is shown as messages (None is
    returned, nothing was written); a forbidden call is a 404, as a missing page is."""
    try:
        return step()
    except ValidationError as exc:
        for text in exc.messages:
            messages.error(request, text)
        return None
    except PermissionDenied as exc:
        raise Http404 from exc


def form_step(form: forms.Form, step: Callable[[], object]) -> bool:
    """Runs one service call behind a form: its refusal becomes the form's error, shown with
    what was typed (False, nothing written); a forbidden call is a 404."""
    try:
        step()
    except ValidationError as exc:
        form.add_error(None, exc)
        return False
    except PermissionDenied as exc:
        raise Http404 from exc
    return True
