"""Friendly answers for responses Django leaves bare: a page for a wrong method, and under
/api/ a machine-readable JSON body for every error, whoever produced it."""

from __future__ import annotations

import json
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string

API_ERROR_CODES = {
    400: "bad_request",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    413: "too_large",
    500: "server_error",
}


class FriendlyErrorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.path.startswith("/api/"):
            return self._api(response)
        if response.status_code == 405 and not response.content:
            allow = response.get("Allow", "")
            response.content = render_to_string(
                "405.html", {"allowed": allow}, request=request
            ).encode()
            response["Content-Type"] = "text/html; charset=utf-8"
        return response

    @staticmethod
    def _api(response: HttpResponse) -> HttpResponse:
        status = response.status_code
        if status < 400 or response.get("Content-Type", "").startswith("application/json"):
            return response
        code = API_ERROR_CODES.get(status, "error")
        body = {"code": code, "detail": code.replace("_", " ").capitalize() + "."}
        response.content = json.dumps(body).encode()
        response["Content-Type"] = "application/json"
        return response
