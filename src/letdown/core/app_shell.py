"""What makes letdown an installable app that opens offline: the web-app manifest, the
service worker (served from the root so that it may control every page), the favicon and the
page shown offline for a page the phone has not kept."""

from __future__ import annotations

import hashlib

from django.contrib.staticfiles import finders
from django.http import FileResponse, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

# Kept by the service worker when it installs: enough to draw home and the live screen.
SHELL_STATIC = (
    "letdown/app.css",
    "letdown/app.js",
    "letdown/outbox.js",
    "letdown/live.js",
    "letdown/routines.css",
    "letdown/routines.js",
    "letdown/icons/icon-192.png",
)


@require_GET
def manifest(request: HttpRequest) -> JsonResponse:
    icons = [
        {
            "src": static(f"letdown/icons/icon-{size}.png"),
            "sizes": f"{size}x{size}",
            "type": "image/png",
        }
        for size in (192, 512)
    ]
    icons.append({**icons[-1], "purpose": "maskable"})
    response = JsonResponse(
        {
            "name": "letdown",
            "short_name": "letdown",
            "description": _("Nursing and pumping log built around the let-down reflex."),
            "start_url": "/",
            "scope": "/",
            "display": "standalone",
            "background_color": "#16121a",
            "theme_color": "#8a2d5c",
            "icons": icons,
        }
    )
    response["Content-Type"] = "application/manifest+json"
    return response


@require_GET
@cache_control(no_cache=True)
def service_worker(request: HttpRequest) -> HttpResponse:
    shell = [static(name) for name in SHELL_STATIC] + ["/offline/"]
    # A new set of files (their hashed names change with their content) is a new cache.
    version = hashlib.sha256("\n".join(shell).encode()).hexdigest()[:12]
    response = render(
        request,
        "sw.js",
        {
            "shell": shell,
            "version": version,
            "outbox": static("letdown/outbox.js"),
            "icon": static("letdown/icons/icon-192.png"),
        },
        content_type="text/javascript",
    )
    response["Service-Worker-Allowed"] = "/"
    return response


@require_GET
@cache_control(max_age=86400)
def favicon(request: HttpRequest) -> FileResponse:
    path = finders.find("letdown/icons/favicon-32.png")
    assert isinstance(path, str)
    return FileResponse(open(path, "rb"), content_type="image/png")  # noqa: SIM115


@require_GET
def offline(request: HttpRequest) -> HttpResponse:
    return render(request, "offline.html")
