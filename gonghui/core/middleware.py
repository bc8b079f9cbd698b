"""Friendly pages for responses Django leaves bare (a 405 for a wrong method)."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string


class FriendlyErrorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        is_api = request.path.startswith("/api/")
        if response.status_code == 405 and not response.content and not is_api:
            allow = response.get("Allow", "")
            response.content = render_to_string(
                "405.html", {"allowed": allow}, request=request
            ).encode()
            response["Content-Type"] = "text/html; charset=utf-8"
        return response
