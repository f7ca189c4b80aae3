"""The "Inside your let-down" page: a simulated session from the reflex model that she can
change, with what each change did and the study behind it. Public education, no family data."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from letdown.reflex.explainer import explain

from .charts import series_chart
from .forms import DEFAULTS, ExplainerForm

CACHE_SECONDS = 60 * 60 * 24 * 30


def _explained(params: dict[str, Any]) -> dict[str, Any]:
    """The model is deterministic for given choices (fixed seed): compute each once."""
    key = "inside:" + hashlib.sha256(json.dumps(params, sort_keys=True).encode()).hexdigest()
    result = cache.get(key)
    if result is None:
        result = explain(params)
        cache.set(key, result, CACHE_SECONDS)
    return result


def _charts(result: dict[str, Any]) -> list[str]:
    session, baseline = result["session"], result["baseline"]
    s, b = session["series"], baseline["series"]
    common = {
        "t_s": s["t_s"],
        "baseline_t_s": b["t_s"],
        "ejections": session["ejections"],
    }
    return [
        series_chart(
            title=_("Oxytocin in the blood"),
            unit="µU/mL",
            values=s["oxytocin_uU_ml"],
            baseline=b["oxytocin_uU_ml"],
            description=_("Oxytocin pulses; shaded bands are let-downs; dashed is the baseline."),
            **common,
        ),
        series_chart(
            title=_("Milk flow"),
            unit="mL/s",
            values=s["flow_ml_s"],
            baseline=b["flow_ml_s"],
            description=_("Milk flow over the session; dashed is the baseline."),
            **common,
        ),
    ]


@require_GET
def explainer(request: HttpRequest) -> HttpResponse:
    # The page opens on the baseline: a calm, first-time parent eight weeks in.
    form = ExplainerForm(request.GET or DEFAULTS)
    if not form.is_valid():
        return render(request, "inside/explainer.html", {"form": form}, status=400)
    try:
        result = _explained(form.cleaned_data)
    except ValueError as error:
        form.add_error(None, str(error))
        return render(request, "inside/explainer.html", {"form": form}, status=400)
    context = {
        "form": form,
        "result": result,
        "session": result["session"],
        "baseline": result["baseline"],
        "charts": _charts(result),
    }
    return render(request, "inside/explainer.html", context)
