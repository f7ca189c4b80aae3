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
        if request.path.startswith(API_PREFIX) and "Authorization" in request.headers:
            # Every parameter is one value: a second one would be quietly dropped. (Without a
            # token the API's own answer, 401, comes first.)
            twice = sorted(k for k, values in request.GET.lists() if len(values) > 1)
            if twice:
                message = f"Give each parameter once: {', '.join(twice)} came more than once."
                return HttpResponse(
                    json.dumps({"error": message}), status=400, content_type="application/json"
                )
        response = self.get_response(request)
        if (
            request.path.startswith(API_PREFIX)
            and 400 <= response.status_code < 600
            and not response.get("Content-Type", "").startswith("application/json")
        ):
            response.content = json.dumps({"error": f"{response.reason_phrase}."}).encode()
            response["Content-Type"] = "application/json"
        return response
