"""The "Inside your let-down" page: a simulated session from the reflex model that she can
change, with what the cited studies found. Public education, no family data.

Every combination the form offers is read from a table shipped with the package
(`explainer.from_table`), so a request costs no simulation. Anything else would be simulated on
demand, and that work is bounded: a few computations per address and window, and at most one at a
time in each process (a visitor beyond either gets a 429 or a 503, never a slow page for others).
Every request counts against a per-address limit (`REQUESTS_PER_MINUTE`), so a crowd of scripts
cannot keep the server's workers from a parent's taps.
"""

from __future__ import annotations

import hashlib
import json
import threading
from typing import Any

from django.core.cache import caches
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from letdown.reflex.explainer import FINDING_KEYS, explain, from_table

from . import words
from .charts import series_chart
from .forms import DEFAULTS, ExplainerForm

CACHE_SECONDS = 60 * 60 * 24 * 30
COMPUTATIONS_PER_ADDRESS = 5  # uncached simulations one address may cause per window
WINDOW_SECONDS = 600
# Requests one address may make per minute in each server process: far more than a person
# changing choices makes, few enough that a crowd of scripts cannot crowd out a parent's tap.
REQUESTS_PER_MINUTE = 30
_computing = threading.Lock()  # one uncached simulation at a time in this process


class Busy(Exception):
    """The simulation was refused to protect the server: `status` says why (429 or 503)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


def _count(name: str, address: str, window_s: int) -> int:
    """How many times `address` did `name` in the current window, this one included (kept in
    the per-process memory cache, never in the database the taps write to)."""
    memory = caches["pages"]
    counter = f"inside:{name}:{address}"
    memory.add(counter, 0, window_s)
    try:
        return int(memory.incr(counter))
    except ValueError:  # expired between add and incr
        memory.set(counter, 1, window_s)
        return 1


def _computed(params: dict[str, Any], address: str) -> dict[str, Any]:
    """Simulate on demand, within the bounds above. The count lives in the per-process memory
    cache: anonymous traffic never writes to the database the taps write to (so with N server
    processes an address gets at most N times the limit)."""
    if _count("work", address, WINDOW_SECONDS) > COMPUTATIONS_PER_ADDRESS:
        raise Busy(429, _("Too many new simulations from your address; try again later."))
    if not _computing.acquire(blocking=False):
        raise Busy(503, _("The model is busy with another simulation; try again in a moment."))
    try:
        return explain(params)
    finally:
        _computing.release()


def _explained(params: dict[str, Any], address: str) -> dict[str, Any]:
    """The page's combinations come from the shipped table (in memory, no database write);
    anything else is deterministic for given choices (fixed seed), so it is computed once per
    process and kept in the per-process cache."""
    result = from_table(params)
    if result is not None:
        return result
    memory = caches["pages"]
    key = "inside:" + hashlib.sha256(json.dumps(params, sort_keys=True).encode()).hexdigest()
    result = memory.get(key)
    if result is None:
        result = _computed(params, address)
        memory.set(key, result, CACHE_SECONDS)
    return result


def _charts(result: dict[str, Any]) -> list[dict[str, str]]:
    """Each chart's SVG, and the words the template writes around it."""
    session, baseline = result["session"], result["baseline"]
    s, b = session["series"], baseline["series"]
    common = {"t_s": s["t_s"], "baseline_t_s": b["t_s"], "ejections": session["ejections"]}
    return [
        {
            "name": "oxytocin",
            "title": _("Oxytocin in the blood (µU/mL)"),
            "svg": series_chart(
                name="oxytocin",
                values=s["oxytocin_uU_ml"],
                baseline=b["oxytocin_uU_ml"],
                **common,
            ),
        },
        {
            "name": "flow",
            "title": _("Milk flow (mL/s)"),
            "svg": series_chart(
                name="flow", values=s["flow_ml_s"], baseline=b["flow_ml_s"], **common
            ),
        },
    ]


def _context(result: dict[str, Any]) -> dict[str, Any]:
    return {
        "result": result,
        "in_words": words.choices_in_words(result["choices"]),
        # Each finding with the keys of its source, cited on the page like every health
        # statement (an unknown source fails loudly here rather than print uncited).
        "findings": [
            {
                **finding,
                "text": words.finding_text(finding["text"]),
                "keys": FINDING_KEYS[finding["source"]],
            }
            for finding in result["findings"]
        ],
        "average": result["average"],
        "session": result["session"],
        "baseline": result["baseline"],
        "charts": _charts(result),
    }


@require_GET
def explainer(request: HttpRequest) -> HttpResponse:
    address = request.META.get("REMOTE_ADDR", "")
    if _count("requests", address, 60) > REQUESTS_PER_MINUTE:
        refused = HttpResponse(
            _("Too many requests from your address; try again in a minute."),
            status=429,
            content_type="text/plain; charset=utf-8",
        )
        refused["Retry-After"] = "60"
        return refused
    # The page opens on the baseline: a calm, first-time parent eight weeks in.
    form = ExplainerForm(request.GET or DEFAULTS)
    wants_json = request.GET.get("format") == "json"
    if wants_json:
        form = ExplainerForm({k: v for k, v in request.GET.items() if k != "format"})
    if not form.is_valid():
        if wants_json:
            errors = {name: [str(e) for e in errs] for name, errs in form.errors.items()}
            return JsonResponse({"errors": errors}, status=400)
        return render(request, "explainer/explainer.html", {"form": form}, status=400)
    try:
        result = _explained(form.cleaned_data, address)
    except Busy as busy:
        if wants_json:
            return JsonResponse({"errors": {"__all__": [str(busy)]}}, status=busy.status)
        form.add_error(None, str(busy))
        return render(request, "explainer/explainer.html", {"form": form}, status=busy.status)
    context = _context(result)
    if wants_json:
        response: HttpResponse = JsonResponse(
            {
                "html": render_to_string("explainer/_result.html", context, request),
                "summary": render_to_string("explainer/_summary.html", context, request).strip(),
            }
        )
        # No family data and no per-user content: any cache may keep it.
        patch_cache_control(response, public=True, max_age=3600)
        return response
    return render(request, "explainer/explainer.html", {"form": form, **context})
