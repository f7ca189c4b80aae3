"""Every refusal under /api/ is JSON with a sentence, including the ones Django or the
framework answer before an endpoint runs (a wrong method, an unknown path)."""

from __future__ import annotations

import json
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

API_PREFIX = "/api/"


class JsonErrorsMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            request.path.startswith(API_PREFIX)
            and 400 <= response.status_code < 600
            and not response.get("Content-Type", "").startswith("application/json")
        ):
            response.content = json.dumps({"error": f"{response.reason_phrase}."}).encode()
            response["Content-Type"] = "application/json"
        return response
